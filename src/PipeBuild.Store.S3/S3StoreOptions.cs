using Amazon.Runtime;

namespace PipeBuild.Store.S3;

/// <summary>
/// How to reach and use an S3 store. Credentials come from the AWS chain (environment, profile, instance role)
/// unless <see cref="Credentials"/> is set; <see cref="Endpoint"/> points at an S3-compatible server.
/// </summary>
public sealed record S3StoreOptions(S3StoreUrl Url)
{
    /// <summary>The server, for S3-compatible servers (null: AWS, or AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL).</summary>
    public Uri? Endpoint { get; init; }

    /// <summary>The signing region (null: AWS_REGION / AWS_DEFAULT_REGION / the profile, else us-east-1).</summary>
    public string? Region { get; init; }

    public AWSCredentials? Credentials { get; init; }

    /// <summary>Folder of the local object cache (null: no cache).</summary>
    public string? CacheFolder { get; init; }

    public long CacheMaxBytes { get; init; } = 2L * 1024 * 1024 * 1024;

    /// <summary>Objects larger than this are sent as a multipart upload, invisible until complete.</summary>
    public int MultipartThreshold { get; init; } = 16 * 1024 * 1024;

    /// <summary>Part size of a multipart upload (S3's minimum is 5 MiB).</summary>
    public int PartSize { get; init; } = 8 * 1024 * 1024;

    /// <summary>Attempts per request for transient failures (5xx, throttling, connection errors), with exponential backoff.</summary>
    public int MaxRetries { get; init; } = 10;

    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(60);

    public S3LeaseTiming Lease { get; init; } = S3LeaseTiming.Default;

    /// <summary>The endpoint named by <paramref name="configured"/>, else by AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL.</summary>
    public static Uri? ResolveEndpoint(string? configured)
    {
        var value = new[] { configured, Environment.GetEnvironmentVariable("AWS_ENDPOINT_URL_S3"), Environment.GetEnvironmentVariable("AWS_ENDPOINT_URL") }
            .FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));
        if (value is null)
        {
            return null;
        }

        return Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri
            : throw new Core.PipeException(Core.ErrorCodes.InvalidStoreUrl, $"invalid S3 endpoint '{S3Redaction.Endpoint(value)}': use an http:// or https:// URL such as http://127.0.0.1:9000.");
    }
}
