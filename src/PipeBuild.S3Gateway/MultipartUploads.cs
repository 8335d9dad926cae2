using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using PipeBuild.Store;

namespace PipeBuild.S3Gateway;

/// <summary>
/// Multipart uploads in progress: each one a folder of part files under the upload folder, named by a random id
/// that also records its bucket and key. Nothing reaches the store until completion, which stores the parts in
/// order as one file and commits it once; an aborted or never-completed upload leaves no trace in the store.
/// </summary>
internal sealed class MultipartUploads(string folder)
{
    public const int MaxParts = 10000;

    public string Create(string bucket, string key)
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var upload = Directory.CreateDirectory(Path.Combine(folder, id)).FullName;
        File.WriteAllText(Path.Combine(upload, "target"), bucket + "\n" + key, Encoding.UTF8);
        return id;
    }

    /// <summary>Writes a part (replacing an earlier one with its number); returns its ETag.</summary>
    public async Task<string> PutPartAsync(string bucket, string key, string id, int number, Stream body, CancellationToken cancellationToken)
    {
        var upload = Find(bucket, key, id);
        if (number is < 1 or > MaxParts)
        {
            throw S3Exception.InvalidArgument($"Part number must be an integer between 1 and {MaxParts}, inclusive.");
        }

        var part = PartPath(upload, number);
        var temp = part + ".tmp";
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
        {
            var buffer = new byte[1 << 16];
            for (int read; (read = await body.ReadAsync(buffer, cancellationToken)) > 0;)
            {
                hash.AppendData(buffer, 0, read);
                await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }
        }

        File.Move(temp, part, overwrite: true);
        var etag = Convert.ToHexStringLower(hash.GetHashAndReset());
        await File.WriteAllTextAsync(part + ".etag", etag, cancellationToken);
        return etag;
    }

    /// <summary>
    /// Stores the listed parts, in order, as one file's content (streamed from disk, never held whole); the caller
    /// commits it and then <see cref="Remove"/>s the upload.
    /// </summary>
    public async Task<FileContent> AssembleAsync(ContentStore content, string bucket, string key, string id, IReadOnlyList<(int Number, string ETag)> parts, CancellationToken cancellationToken)
    {
        var upload = Find(bucket, key, id);
        if (parts.Count == 0)
        {
            throw S3Exception.MalformedXml("The completion lists no parts.");
        }

        var streams = new List<Stream>();
        try
        {
            var previous = 0;
            foreach (var (number, etag) in parts)
            {
                if (number <= previous)
                {
                    throw new S3Exception(400, "InvalidPartOrder", "The list of parts was not in ascending order.");
                }

                previous = number;
                var path = PartPath(upload, number);
                if (!File.Exists(path) || !SigV4.Same(await File.ReadAllTextAsync(path + ".etag", cancellationToken), etag.Trim('"').ToLowerInvariant()))
                {
                    throw new S3Exception(400, "InvalidPart", $"Part {number} was not uploaded, or its ETag is not {etag}.");
                }

                streams.Add(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true));
            }

            return await content.WriteAsync(new ConcatenatedStream([.. streams]), null, cancellationToken);
        }
        finally
        {
            foreach (var stream in streams)
            {
                await stream.DisposeAsync();
            }
        }
    }

    public void Remove(string bucket, string key, string id) => Directory.Delete(Find(bucket, key, id), recursive: true);

    private string Find(string bucket, string key, string id)
    {
        var upload = Path.Combine(folder, id);
        var target = Path.Combine(upload, "target");
        if (id.Length != 32 || !id.All(char.IsAsciiHexDigitLower) || !File.Exists(target) || File.ReadAllText(target, Encoding.UTF8) != bucket + "\n" + key)
        {
            throw new S3Exception(404, "NoSuchUpload", "The specified multipart upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.");
        }

        return upload;
    }

    private static string PartPath(string upload, int number) => Path.Combine(upload, number.ToString("D5", CultureInfo.InvariantCulture));
}
