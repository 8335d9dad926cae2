namespace PipeBuild.Store.S3;

/// <summary>
/// Egress to an S3 prefix (<c>s3://bucket/prefix</c>, any S3-compatible endpoint), through the S3 store's own
/// requests: retries with backoff, MD5-checked PUTs, multipart uploads for large files (invisible until complete, so
/// a reader sees the old object or the new one), errors that name the bucket but never a credential.
/// </summary>
public sealed class S3Egress(S3StoreOptions options) : IEgressTarget
{
    private const string What = "copies a pipeline's output (egress)";
    private readonly S3ObjectStore bucket = new(options with { CacheFolder = null });

    public string Location => bucket.Location;

    public async Task PutAsync(string path, Stream content, long length, CancellationToken cancellationToken)
    {
        if (length <= options.MultipartThreshold)
        {
            var whole = new byte[length];
            await content.ReadExactlyAsync(whole, cancellationToken);
            await bucket.WriteAsync(path, whole, null, null, What, cancellationToken);
            return;
        }

        // One part at a time, in order: the content is read once, front to back.
        await bucket.WriteMultipartAsync(path, length, ReadPartAsync, parallelism: 1, null, What, cancellationToken);

        async Task<ReadOnlyMemory<byte>> ReadPartAsync(long offset, int size, CancellationToken t)
        {
            var part = new byte[size];
            await content.ReadExactlyAsync(part, t);
            return part;
        }
    }

    public Task DeleteAsync(string path, CancellationToken cancellationToken) => bucket.DeleteAsync(path, cancellationToken);

    public ValueTask DisposeAsync() => bucket.DisposeAsync();
}
