using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using PipeBuild.Store;

namespace PipeBuild.S3Gateway;

/// <summary>
/// A request's payload as the client meant it, checked as it is read: the plain body against the SHA-256 the
/// client signed, or an <c>aws-chunked</c> body (what the SDKs send for a streaming upload) unwrapped, each chunk's
/// signature checked in turn. A check that fails throws at the end of the stream, before anything is committed.
/// </summary>
internal static class RequestBody
{
    public static Stream Open(HttpRequest request, SignedRequest? signed)
    {
        var declared = request.Headers[SigV4.ContentSha256].ToString();
        if (declared.StartsWith("STREAMING-", StringComparison.Ordinal))
        {
            var chunkSigned = declared.StartsWith("STREAMING-AWS4-HMAC-SHA256-PAYLOAD", StringComparison.Ordinal);
            return new AwsChunkedStream(request.Body, chunkSigned ? signed : null);
        }

        return declared.Length == 64 ? new HashCheckingStream(request.Body, declared) : request.Body;
    }

    /// <summary>The body read whole: the small XML documents of the POST requests.</summary>
    public static async Task<byte[]> ReadSmallAsync(HttpRequest request, SignedRequest? signed, CancellationToken cancellationToken)
    {
        const int limit = 4 * 1024 * 1024;
        using var buffer = new MemoryStream();
        await using var body = Open(request, signed);
        var chunk = new byte[81920];
        for (int read; (read = await body.ReadAsync(chunk, cancellationToken)) > 0;)
        {
            if (buffer.Length + read > limit)
            {
                throw S3Exception.MalformedXml($"The request body is over {limit} bytes.");
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private sealed class HashCheckingStream(Stream inner, string expected) : ForwardReadStream
    {
        private readonly IncrementalHash hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await inner.ReadAsync(buffer, cancellationToken);
            hash.AppendData(buffer.Span[..read]);
            if (read == 0 && !SigV4.Same(SigV4.Hex(hash.GetHashAndReset()), expected.ToLowerInvariant()))
            {
                throw new S3Exception(400, "XAmzContentSHA256Mismatch", "The provided 'x-amz-content-sha256' header does not match what was computed.");
            }

            return read;
        }

        protected override void Dispose(bool disposing)
        {
            hash.Dispose();
            base.Dispose(disposing);
        }
    }

    /// <summary>
    /// <c>Content-Encoding: aws-chunked</c>: <c>SIZE[;chunk-signature=SIG]\r\nDATA\r\n</c> ... a last chunk of size
    /// 0, then trailing headers (a checksum and its signature) and an empty line.
    /// </summary>
    private sealed class AwsChunkedStream(Stream inner, SignedRequest? signed) : ForwardReadStream
    {
        private const int MaxLine = 8192;
        private readonly byte[] buffer = new byte[64 * 1024];
        private readonly IncrementalHash? chunkHash = signed is null ? null : IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private string previous = signed?.Signature ?? "";
        private string? chunkSignature;
        private int start, end;
        private long left;
        private bool done;

        public override async ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken cancellationToken = default)
        {
            while (left == 0)
            {
                if (done || !await NextChunkAsync(cancellationToken))
                {
                    return 0;
                }
            }

            if (start == end && !await FillAsync(cancellationToken))
            {
                throw Malformed("the body ended inside a chunk");
            }

            var count = (int)Math.Min(Math.Min(left, end - start), destination.Length);
            buffer.AsSpan(start, count).CopyTo(destination.Span);
            chunkHash?.AppendData(buffer, start, count);
            start += count;
            left -= count;
            if (left == 0)
            {
                if (await ReadLineAsync(cancellationToken) != "")
                {
                    throw Malformed("a chunk is longer than its size says");
                }

                CheckChunk();
            }

            return count;
        }

        /// <summary>Reads the next chunk's header; false after the last (empty) chunk and the trailers.</summary>
        private async Task<bool> NextChunkAsync(CancellationToken cancellationToken)
        {
            var line = await ReadLineAsync(cancellationToken) ?? throw Malformed("the body ended before its last chunk");
            var parts = line.Split(';', 2);
            if (!long.TryParse(parts[0], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out left) || left < 0)
            {
                throw Malformed($"'{parts[0]}' is not a chunk size");
            }

            chunkSignature = parts.Length > 1 && parts[1].StartsWith("chunk-signature=", StringComparison.Ordinal) ? parts[1]["chunk-signature=".Length..] : null;
            if (left > 0)
            {
                return true;
            }

            CheckChunk();
            var trailers = new StringBuilder();
            string? trailerSignature = null;
            for (string? trailer; !string.IsNullOrEmpty(trailer = await ReadLineAsync(cancellationToken));)
            {
                if (trailer.StartsWith("x-amz-trailer-signature:", StringComparison.Ordinal))
                {
                    trailerSignature = trailer["x-amz-trailer-signature:".Length..];
                }
                else
                {
                    trailers.Append(trailer).Append('\n');
                }
            }

            if (signed is not null && trailers.Length > 0)
            {
                var expected = SigV4.Sign(signed.SigningKey, $"AWS4-HMAC-SHA256-TRAILER\n{signed.Date}\n{signed.Scope}\n{previous}\n{SigV4.Sha256Hex(trailers.ToString())}");
                if (trailerSignature is null || !SigV4.Same(expected, trailerSignature))
                {
                    throw S3Exception.SignatureDoesNotMatch("The trailing headers' signature does not match.");
                }
            }

            done = true;
            return false;
        }

        private void CheckChunk()
        {
            if (signed is null)
            {
                return;
            }

            var data = SigV4.Hex(chunkHash!.GetHashAndReset());
            var expected = SigV4.Sign(signed.SigningKey, $"AWS4-HMAC-SHA256-PAYLOAD\n{signed.Date}\n{signed.Scope}\n{previous}\n{SigV4.EmptySha256}\n{data}");
            if (chunkSignature is null || !SigV4.Same(expected, chunkSignature))
            {
                throw S3Exception.SignatureDoesNotMatch("A chunk's signature does not match: the body is not what was signed.");
            }

            previous = expected;
        }

        /// <summary>A line without its CRLF; null at the end of the body.</summary>
        private async Task<string?> ReadLineAsync(CancellationToken cancellationToken)
        {
            var line = new List<byte>();
            while (true)
            {
                if (start == end && !await FillAsync(cancellationToken))
                {
                    return line.Count == 0 ? null : throw Malformed("the body ended inside a line");
                }

                var newline = buffer.AsSpan(start, end - start).IndexOf((byte)'\n');
                var take = newline < 0 ? end - start : newline;
                line.AddRange(buffer.AsSpan(start, take));
                start += newline < 0 ? take : take + 1;
                if (line.Count > MaxLine)
                {
                    throw Malformed("a chunk header is too long");
                }

                if (newline >= 0)
                {
                    return Encoding.ASCII.GetString([.. line]).TrimEnd('\r');
                }
            }
        }

        private async Task<bool> FillAsync(CancellationToken cancellationToken)
        {
            start = 0;
            end = await inner.ReadAsync(buffer, cancellationToken);
            return end > 0;
        }

        private static S3Exception Malformed(string why) => new(400, "IncompleteBody", $"The aws-chunked body is malformed: {why}.");

        protected override void Dispose(bool disposing)
        {
            chunkHash?.Dispose();
            base.Dispose(disposing);
        }
    }
}
