using System.Net;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using PipeBuild.Core;

namespace PipeBuild.Store.S3;

/// <summary>
/// <see cref="IObjectStore"/> on an S3 bucket or an S3-compatible server. Objects are single PUTs, or multipart
/// uploads above <see cref="S3StoreOptions.MultipartThreshold"/>, which S3 makes visible only when complete.
/// Documents are compared and swapped by conditional writes (If-None-Match / If-Match) where the server honours
/// them, or else under a lease (<see cref="S3Leases"/>); which one was probed once and is recorded in the store
/// (<c>pipebuild-store.json</c>) so that every writer uses the same. Transient failures are retried with backoff.
/// </summary>
public sealed class S3ObjectStore : IObjectStore
{
    private const string ProbePrefix = "probe/";

    /// <summary>How long a read that keeps finding the object torn reads it again before it counts as failed.</summary>
    private static readonly TimeSpan TornReadPatience = TimeSpan.FromSeconds(2);
    private static readonly byte[] LeaseOwner = Encoding.UTF8.GetBytes($"{Environment.MachineName}/{Environment.ProcessId}");
    private readonly S3StoreOptions options;
    private readonly S3StoreUrl url;
    private readonly IAmazonS3 client;
    private readonly S3Requests requests;
    private readonly S3ObjectCache? cache;
    private readonly S3Leases leases;
    private readonly SemaphoreSlim modeLock = new(1, 1);
    private S3WriteMode? writeMode;

    public S3ObjectStore(S3StoreOptions options)
    {
        this.options = options;
        url = options.Url;
        Location = options.Endpoint is null ? url.ToString() : $"{url} at {S3Redaction.Endpoint(options.Endpoint)}";
        requests = new S3Requests(options, Location);
        client = CreateClient(options, Location);
        cache = options.CacheFolder is null || options.CacheMaxBytes <= 0 ? null : new S3ObjectCache(options.CacheFolder, options.CacheMaxBytes);
        leases = new S3Leases(this, options.Lease);
    }

    public string Location { get; }

    /// <summary>How this store swaps documents: read from the store, or probed and recorded on first use.</summary>
    public async Task<S3WriteMode> GetWriteModeAsync(CancellationToken cancellationToken)
    {
        if (writeMode is { } known)
        {
            return known;
        }

        await modeLock.WaitAsync(cancellationToken);
        try
        {
            if (writeMode is { } again)
            {
                return again;
            }

            var descriptor = await ReadDescriptorAsync(cancellationToken);
            if (descriptor is null)
            {
                // Two first users of a store probe the same server and record the same answer.
                await WriteAsync(S3StoreDescriptor.Key, S3Json.Serialize(new S3StoreDescriptor(S3StoreDescriptor.CurrentFormat, await ProbeAsync(cancellationToken), DateTimeOffset.UtcNow)), null, null, "records the store's settings", cancellationToken);
                descriptor = await ReadDescriptorAsync(cancellationToken);
            }

            writeMode = descriptor!.Writes;
            return writeMode.Value;
        }
        finally
        {
            modeLock.Release();
        }
    }

    public async Task<bool> ExistsAsync(string key, CancellationToken cancellationToken) =>
        await HeadAsync(key, "checks an object", cancellationToken) is not null;

    public async Task<byte[]?> TryReadAsync(string key, CancellationToken cancellationToken)
    {
        var hash = ContentHashOf(key);
        if (hash is not null && cache?.TryRead(hash) is { } cached)
        {
            return cached;
        }

        var data = (await GetAsync(key, "reads an object", cancellationToken))?.Data;
        if (hash is not null && data is not null)
        {
            cache?.Add(hash, data);
        }

        return data;
    }

    public async Task<bool> PutIfAbsentAsync(string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        var existing = await HeadAsync(key, "checks an object", cancellationToken);
        if (ContentHashOf(key) is { } hash && ContentHash.Of(content.Span) == hash)
        {
            // Content-addressed: every writer of this key writes these very bytes, so a racing duplicate is
            // harmless, and an existing object that is not whole (left by a server whose PUT is not atomic) is
            // replaced rather than trusted.
            if (existing is not null && IsWhole(existing, content))
            {
                return false;
            }

            return await WriteAsync(key, content, null, null, "writes an object", cancellationToken) is not null;
        }

        if (existing is not null)
        {
            return false;
        }

        if (await GetWriteModeAsync(cancellationToken) == S3WriteMode.ConditionalWrites)
        {
            return await WriteAsync(key, content, "*", null, "writes an object", cancellationToken) is not null;
        }

        return await UnderLeaseAsync(key, null, t => WriteAsync(key, content, null, null, "writes an object", t), cancellationToken) is not null;
    }

    public async Task<bool> PutIfAbsentAsync(string key, Stream content, CancellationToken cancellationToken)
    {
        var length = content.Length - content.Position;
        if (length <= options.MultipartThreshold || ContentHashOf(key) is null)
        {
            // Small, or a key whose write needs a condition: one PUT from memory, as any other object.
            var buffer = new byte[length];
            await content.ReadExactlyAsync(buffer, cancellationToken);
            return await PutIfAbsentAsync(key, buffer, cancellationToken);
        }

        // Content-addressed and uploaded in parts: an upload cut short never becomes visible, so an object of the
        // right size is the whole object.
        if ((await HeadAsync(key, "checks an object", cancellationToken))?.ContentLength == length)
        {
            return false;
        }

        var start = content.Position;
        using var reading = new SemaphoreSlim(1);
        return await WriteMultipartAsync(key, length, ReadPartAsync, parallelism: 2, null, "writes an object", cancellationToken) is not null;

        async Task<ReadOnlyMemory<byte>> ReadPartAsync(long offset, int size, CancellationToken t)
        {
            var part = new byte[size];
            await reading.WaitAsync(t);
            try
            {
                content.Position = start + offset;
                await content.ReadExactlyAsync(part, t);
            }
            finally
            {
                reading.Release();
            }

            return part;
        }
    }

    public Task<Stream?> TryOpenReadAsync(string key, CancellationToken cancellationToken) =>
        requests.RunAsync("reads an object", async (_, t) =>
        {
            try
            {
                // Disposing the body releases the response; callers check the bytes (ContentStore hashes them).
                return (await client.GetObjectAsync(new GetObjectRequest { BucketName = url.Bucket, Key = url.KeyOf(key) }, t)).ResponseStream;
            }
            catch (AmazonS3Exception e) when (IsNoSuchKey(e))
            {
                return (Stream?)null;
            }
        }, cancellationToken);

    public async Task<StoredDocument?> ReadDocumentAsync(string key, CancellationToken cancellationToken) =>
        await GetAsync(key, "reads a document", cancellationToken) is { } found ? new StoredDocument(found.Data, found.ETag) : null;

    public async Task<string?> TryWriteDocumentAsync(string key, ReadOnlyMemory<byte> content, string? expectedVersion, CancellationToken cancellationToken)
    {
        if (await GetWriteModeAsync(cancellationToken) == S3WriteMode.ConditionalWrites)
        {
            return await WriteAsync(key, content, expectedVersion is null ? "*" : null, expectedVersion, "writes a document", cancellationToken);
        }

        return await UnderLeaseAsync(key, expectedVersion, t => WriteAsync(key, content, null, null, "writes a document", t), cancellationToken);
    }

    public async Task<bool> TryDeleteDocumentAsync(string key, string expectedVersion, CancellationToken cancellationToken)
    {
        if (await GetWriteModeAsync(cancellationToken) == S3WriteMode.ConditionalWrites)
        {
            return await requests.RunAsync("deletes a document", async (attempt, t) =>
            {
                try
                {
                    await client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = url.Bucket, Key = url.KeyOf(key), IfMatch = expectedVersion }, t);
                    return true;
                }
                catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.PreconditionFailed || IsNoSuchKey(e))
                {
                    return attempt > 1 && IsNoSuchKey(e); // gone after an earlier attempt whose answer was lost: that attempt deleted it
                }
            }, cancellationToken);
        }

        return await UnderLeaseAsync(key, expectedVersion, async t =>
        {
            await DeleteAsync(key, t);
            return expectedVersion;
        }, cancellationToken) is not null;
    }

    public async IAsyncEnumerable<string> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var (key, _) in ListWithTimesAsync(prefix, cancellationToken))
        {
            yield return key;
        }
    }

    public async Task<DateTimeOffset?> GetLastModifiedAsync(string key, CancellationToken cancellationToken) =>
        await HeadAsync(key, "checks an object", cancellationToken) is { LastModified: { } modified } ? UtcOf(modified) : null;

    public Task DeleteAsync(string key, CancellationToken cancellationToken) =>
        requests.RunAsync("deletes an object", (_, t) => client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = url.Bucket, Key = url.KeyOf(key) }, t), cancellationToken);

    /// <summary>A write S3 acknowledged is durable: nothing to flush.</summary>
    public Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public ValueTask DisposeAsync()
    {
        client.Dispose();
        modeLock.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>The keys under <paramref name="prefix"/> with when each was last written, by the server's clock (null: not said).</summary>
    internal async IAsyncEnumerable<(string Key, DateTimeOffset? Modified)> ListWithTimesAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var request = new ListObjectsV2Request { BucketName = url.Bucket, Prefix = url.KeyOf(prefix) };
        var strip = url.Prefix.Length == 0 ? 0 : url.Prefix.Length + 1;
        do
        {
            var page = await requests.RunAsync("lists keys", (_, t) => client.ListObjectsV2Async(request, t), cancellationToken);
            foreach (var item in page.S3Objects ?? [])
            {
                yield return (item.Key[strip..], UtcOf(item.LastModified));
            }

            request.ContinuationToken = page.NextContinuationToken;
        }
        while (request.ContinuationToken is not null);
    }

    internal async Task WriteLeaseAnchorAsync(string key, CancellationToken cancellationToken)
    {
        if (await HeadAsync(key, "checks a lease", cancellationToken) is null)
        {
            await WriteAsync(key, ReadOnlyMemory<byte>.Empty, null, null, "writes a lease", cancellationToken);
        }
    }

    /// <summary>Writes a lease entry; its name is its state, its body only says which process wrote it.</summary>
    internal Task WriteLeaseAsync(string leaseKey, CancellationToken cancellationToken) =>
        WriteAsync(leaseKey, LeaseOwner, null, null, "writes a lease", cancellationToken);

    internal async Task ReleaseLeaseAsync(string leaseKey)
    {
        try
        {
            await DeleteAsync(leaseKey, CancellationToken.None);
        }
        catch (PipeException)
        {
            // the server went away: the lease expires by itself
        }
    }

    /// <summary>
    /// The lease path of a compare-and-swap: fails at once (null) when the key's version is not the expected one
    /// (null: absent), else takes the key's lease, checks the version again, and writes while the lease is held;
    /// returns what <paramref name="write"/> returned.
    /// </summary>
    private async Task<string?> UnderLeaseAsync(string key, string? expectedVersion, Func<CancellationToken, Task<string?>> write, CancellationToken cancellationToken)
    {
        async Task<bool> UnchangedAsync(CancellationToken t) => (await HeadAsync(key, "checks a document", t))?.ETag == expectedVersion;

        while (await UnchangedAsync(cancellationToken))
        {
            await using var lease = await leases.AcquireAsync(key, UnchangedAsync, cancellationToken);
            if (lease is null || !await UnchangedAsync(cancellationToken))
            {
                return null;
            }

            string? written = null;
            if (await lease.RunAsync(async t => written = await write(t), cancellationToken))
            {
                return written;
            }
        }

        return null;
    }

    private static DateTimeOffset? UtcOf(DateTime? time) =>
        time is { } t ? new DateTimeOffset(DateTime.SpecifyKind(t.ToUniversalTime(), DateTimeKind.Utc)) : null;

    private async Task<S3WriteMode> ProbeAsync(CancellationToken cancellationToken)
    {
        var key = ProbePrefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        const string NoSuchVersion = "\"00000000000000000000000000000000\"";
        try
        {
            await WriteAsync(key, "1"u8.ToArray(), null, null, "probes the server", cancellationToken);
            var refusesCreate = !await TryConditionAsync(async () => await WriteAsync(key, "2"u8.ToArray(), "*", null, "probes the server", cancellationToken) is not null);
            var refusesReplace = !await TryConditionAsync(async () => await WriteAsync(key, "3"u8.ToArray(), null, NoSuchVersion, "probes the server", cancellationToken) is not null);
            var refusesDelete = !await TryConditionAsync(() => requests.RunAsync("probes the server", async (_, t) =>
            {
                try
                {
                    await client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = url.Bucket, Key = url.KeyOf(key), IfMatch = NoSuchVersion }, t);
                    return true;
                }
                catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.PreconditionFailed)
                {
                    return false;
                }
            }, cancellationToken));
            return refusesCreate && refusesReplace && refusesDelete ? S3WriteMode.ConditionalWrites : S3WriteMode.Leases;
        }
        finally
        {
            await DeleteAsync(key, CancellationToken.None);
        }
    }

    /// <summary>Whether a conditional request went through: a server that rejects the condition itself (501) does not honour it.</summary>
    private static async Task<bool> TryConditionAsync(Func<Task<bool>> request)
    {
        try
        {
            return await request();
        }
        catch (PipeException e) when (e.Code == ErrorCodes.S3RequestFailed)
        {
            return true;
        }
    }

    private async Task<S3StoreDescriptor?> ReadDescriptorAsync(CancellationToken cancellationToken)
    {
        if (await GetAsync(S3StoreDescriptor.Key, "reads the store's settings", cancellationToken) is not { } found)
        {
            return null;
        }

        var descriptor = S3Json.TryDeserialize<S3StoreDescriptor>(found.Data);
        return descriptor is { Format: <= S3StoreDescriptor.CurrentFormat }
            ? descriptor
            : throw new PipeException(
                ErrorCodes.StoreFormat,
                $"{Location}/{S3StoreDescriptor.Key} is {(descriptor is null ? "not a valid store settings file" : $"of format {descriptor.Format}, newer than this dotnet pipe knows")}. Upgrade dotnet pipe, or use another prefix.");
    }

    /// <summary>
    /// Writes an object and returns its ETag; null when the server refused a condition. A retried write whose earlier
    /// attempt landed (its answer lost) finds its own bytes in place and counts as written.
    /// </summary>
    internal async Task<string?> WriteAsync(string key, ReadOnlyMemory<byte> content, string? ifNoneMatch, string? ifMatch, string what, CancellationToken cancellationToken)
    {
        if (content.Length > options.MultipartThreshold)
        {
            return await WriteMultipartAsync(
                key, content.Length, (offset, size, _) => Task.FromResult(content.Slice((int)offset, size)), parallelism: 4, ifNoneMatch, what, cancellationToken);
        }

        var md5 = MD5.HashData(content.Span);
        var etag = $"\"{Convert.ToHexStringLower(md5)}\"";
        return await requests.RunAsync(what, async (attempt, t) =>
        {
            try
            {
                var response = await client.PutObjectAsync(
                    new PutObjectRequest
                    {
                        BucketName = url.Bucket,
                        Key = url.KeyOf(key),
                        InputStream = StreamOf(content),
                        MD5Digest = Convert.ToBase64String(md5),
                        UseChunkEncoding = false,
                        IfNoneMatch = ifNoneMatch,
                        IfMatch = ifMatch,
                    },
                    t);
                return string.IsNullOrEmpty(response.ETag) ? etag : response.ETag;
            }
            catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.PreconditionFailed || (ifMatch is not null && IsNoSuchKey(e)))
            {
                return attempt > 1 && (await HeadAsync(key, what, t))?.ETag == etag ? etag : null;
            }
        }, cancellationToken);
    }

    /// <param name="readPart">the bytes at an offset, of a size (parts are read as they are uploaded, never all at once)</param>
    internal async Task<string?> WriteMultipartAsync(
        string key, long length, Func<long, int, CancellationToken, Task<ReadOnlyMemory<byte>>> readPart, int parallelism, string? ifNoneMatch, string what, CancellationToken cancellationToken)
    {
        var objectKey = url.KeyOf(key);
        var upload = await requests.RunAsync(what, (_, t) => client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = url.Bucket, Key = objectKey }, t), cancellationToken);
        try
        {
            var count = (int)((length + options.PartSize - 1) / options.PartSize);
            var parts = new PartETag[count];
            await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken }, async (i, ct) =>
            {
                var offset = (long)i * options.PartSize;
                var part = await readPart(offset, (int)Math.Min(options.PartSize, length - offset), ct);
                var md5 = Convert.ToBase64String(MD5.HashData(part.Span));
                var response = await requests.RunAsync(what, (_, t) => client.UploadPartAsync(
                    new UploadPartRequest { BucketName = url.Bucket, Key = objectKey, UploadId = upload.UploadId, PartNumber = i + 1, InputStream = StreamOf(part), PartSize = part.Length, MD5Digest = md5, UseChunkEncoding = false },
                    t), ct);
                parts[i] = new PartETag(i + 1, response.ETag);
            });

            var completed = await requests.RunAsync(what, async (attempt, t) =>
            {
                try
                {
                    return (await client.CompleteMultipartUploadAsync(
                        new CompleteMultipartUploadRequest { BucketName = url.Bucket, Key = objectKey, UploadId = upload.UploadId, PartETags = [.. parts], IfNoneMatch = ifNoneMatch },
                        t)).ETag;
                }
                catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.PreconditionFailed || (attempt > 1 && IsNoSuchUpload(e)))
                {
                    // completed by the earlier attempt whose answer was lost
                    return IsNoSuchUpload(e) ? (await HeadAsync(key, what, t))?.ETag : null;
                }
            }, cancellationToken);
            if (completed is null)
            {
                await AbortAsync(objectKey, upload.UploadId);
            }

            return completed;
        }
        catch
        {
            await AbortAsync(objectKey, upload.UploadId); // the parts never become visible; this frees them
            throw;
        }
    }

    private async Task AbortAsync(string objectKey, string uploadId)
    {
        try
        {
            await client.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = url.Bucket, Key = objectKey, UploadId = uploadId }, CancellationToken.None);
        }
        catch (Exception e) when (e is AmazonServiceException or HttpRequestException or IOException)
        {
            // best effort: a bucket lifecycle rule can clean up what is left
        }
    }

    /// <summary>
    /// Reads an object and its ETag. A torn read (the object was being replaced) is read again with backoff
    /// (<see cref="GetRereadingTornAsync"/>) before it counts as a failure for the slower network retries.
    /// </summary>
    private Task<(byte[] Data, string ETag)?> GetAsync(string key, string what, CancellationToken cancellationToken) =>
        requests.RunAsync(what, (_, t) => GetRereadingTornAsync(key, t), cancellationToken);

    /// <summary>
    /// Reads again while the read is torn, with exponential backoff and full jitter from 5 ms up to 250 ms apart, for
    /// about 2 s of waiting in all: long enough for a PUT in progress to finish even on a loaded server (retrying every
    /// few ms, as before, gave up within ~0.2 s), and jittered so that many readers of one key do not come back in step.
    /// </summary>
    private async Task<(byte[] Data, string ETag)?> GetRereadingTornAsync(string key, CancellationToken t)
    {
        var waited = TimeSpan.Zero;
        for (var ceiling = 5.0; ; ceiling = Math.Min(ceiling * 2, 250))
        {
            try
            {
                return await GetOnceAsync(key, t);
            }
            catch (S3TornReadException) when (waited < TornReadPatience)
            {
                var delay = TimeSpan.FromMilliseconds(1 + (Random.Shared.NextDouble() * ceiling));
                waited += delay;
                await Task.Delay(delay, t);
            }
        }
    }

    private async Task<(byte[] Data, string ETag)?> GetOnceAsync(string key, CancellationToken t)
    {
        GetObjectResponse response;
        try
        {
            response = await client.GetObjectAsync(new GetObjectRequest { BucketName = url.Bucket, Key = url.KeyOf(key) }, t);
        }
        catch (AmazonS3Exception e) when (IsNoSuchKey(e))
        {
            return null;
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new S3TornReadException(key, e); // headers of an object being replaced (a Content-Length that no longer holds)
        }

        using (response)
        {
            using var buffer = new MemoryStream(response.ContentLength > 0 ? (int)response.ContentLength : 0);
            try
            {
                await response.ResponseStream.CopyToAsync(buffer, t);
            }
            catch (Exception e) when (e is AmazonClientException or ArgumentOutOfRangeException && !t.IsCancellationRequested)
            {
                throw new S3TornReadException(key, e); // the SDK's own check of the body against its length or hash
            }

            var data = buffer.ToArray();
            return data.Length == response.ContentLength && MatchesETag(response, data)
                ? (data, response.ETag)
                : throw new S3TornReadException(key);
        }
    }

    /// <summary>
    /// Whether the body hashes to the ETag, where the ETag is an MD5 (single-part objects not encrypted with KMS). An
    /// empty ETag is torn: s3rver serves one while it rewrites the file that holds the MD5.
    /// </summary>
    private static bool MatchesETag(GetObjectResponse response, byte[] data)
    {
        var etag = response.ETag?.Trim('"');
        if (string.IsNullOrEmpty(etag))
        {
            return false;
        }

        if (etag is not { Length: 32 } || response.ServerSideEncryptionMethod == ServerSideEncryptionMethod.AWSKMS
            || response.ServerSideEncryptionMethod == ServerSideEncryptionMethod.AWSKMSDSSE)
        {
            return true;
        }

        return string.Equals(etag, Convert.ToHexStringLower(MD5.HashData(data)), StringComparison.OrdinalIgnoreCase);
    }

    private Task<GetObjectMetadataResponse?> HeadAsync(string key, string what, CancellationToken cancellationToken) =>
        requests.RunAsync(what, async (_, t) =>
        {
            try
            {
                return await client.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = url.Bucket, Key = url.KeyOf(key) }, t);
            }
            catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
            {
                return null;
            }
        }, cancellationToken);

    private static bool IsNoSuchKey(AmazonS3Exception e) => e.StatusCode == HttpStatusCode.NotFound && e.ErrorCode != "NoSuchBucket";

    private static bool IsNoSuchUpload(AmazonS3Exception e) => e.ErrorCode == "NoSuchUpload";

    /// <summary>Whether an existing object holds all of <paramref name="content"/> (a multipart ETag is not an MD5: then by size).</summary>
    private static bool IsWhole(GetObjectMetadataResponse existing, ReadOnlyMemory<byte> content) =>
        existing.ContentLength == content.Length
        && (existing.ETag?.Contains('-') == true || existing.ETag == $"\"{Convert.ToHexStringLower(MD5.HashData(content.Span))}\"");

    /// <summary>The hash an object key names, for keys of content-addressed objects; else null.</summary>
    private static string? ContentHashOf(string key) =>
        key.StartsWith(StoreKeys.ObjectsPrefix, StringComparison.Ordinal) && key.Length == 73 && key[10] == '/' ? StoreKeys.HashOfObjectKey(key) : null;

    private static MemoryStream StreamOf(ReadOnlyMemory<byte> content) =>
        MemoryMarshal.TryGetArray(content, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(content.ToArray(), writable: false);

    private static AmazonS3Client CreateClient(S3StoreOptions options, string location)
    {
        var config = new AmazonS3Config
        {
            // S3-compatible servers (and AWS since 2025) differ on flexible checksums: send them only when required.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
            MaxErrorRetry = 0, // Polly retries, with backoff, in one place
            Timeout = options.RequestTimeout,
        };
        var region = options.Region ?? Environment.GetEnvironmentVariable("AWS_REGION") ?? Environment.GetEnvironmentVariable("AWS_DEFAULT_REGION");
        if (options.Endpoint is { } endpoint)
        {
            config.ServiceURL = endpoint.ToString();
            config.ForcePathStyle = true;
            config.AuthenticationRegion = region ?? "us-east-1";
        }
        else if (region is not null)
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
        }

        try
        {
            return options.Credentials is null ? new AmazonS3Client(config) : new AmazonS3Client(options.Credentials, config);
        }
        catch (AmazonClientException)
        {
            throw new PipeException(ErrorCodes.S3AccessDenied, $"no AWS credentials or region found for {location}. Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or AWS_PROFILE) and AWS_REGION.");
        }
    }
}
