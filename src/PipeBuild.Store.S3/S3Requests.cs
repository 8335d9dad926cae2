using System.Net;
using System.Net.Sockets;
using Amazon.Runtime;
using Amazon.S3;
using PipeBuild.Core;
using Polly;
using Polly.Retry;

namespace PipeBuild.Store.S3;

/// <summary>
/// Runs S3 requests with Polly retries (exponential backoff with jitter) for transient failures, and turns every
/// failure into a <see cref="PipeException"/> whose message names the store but never a credential.
/// </summary>
internal sealed class S3Requests
{
    private readonly ResiliencePipeline pipeline;
    private readonly string where;
    private readonly int attempts;

    public S3Requests(S3StoreOptions options, string where)
    {
        this.where = where;
        attempts = options.MaxRetries + 1;
        pipeline = new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(IsTransient),
                MaxRetryAttempts = options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryBaseDelay,
                MaxDelay = TimeSpan.FromSeconds(5),
            })
            .Build();
    }

    /// <summary>
    /// Runs <paramref name="call"/> until it succeeds, fails for good, or runs out of attempts. The call gets its
    /// attempt number (1 first), so a conditional write can tell "I lost" from "my earlier attempt won".
    /// </summary>
    public async Task<T> RunAsync<T>(string what, Func<int, CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        var attempt = 0;
        try
        {
            return await pipeline.ExecuteAsync(async token => await call(++attempt, token), cancellationToken);
        }
        catch (Exception e) when (e is not PipeException && !(e is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            throw Describe(e, what, attempt);
        }
    }

    public static bool IsStatus(Exception e, HttpStatusCode status) => e is AmazonServiceException s && s.StatusCode == status;

    private static bool IsTransient(Exception e)
    {
        if (e is AmazonServiceException service && service.StatusCode != 0)
        {
            return (int)service.StatusCode >= 500 || service.StatusCode == HttpStatusCode.TooManyRequests
                || service.ErrorCode is "SlowDown" or "RequestTimeout" or "ConditionalRequestConflict" or "InternalError" or "ServiceUnavailable";
        }

        return IsNetwork(e) || IsTornRead(e);
    }

    /// <summary>
    /// A read whose body does not match its ETag (the SDK checks the MD5, and fails on an ETag that is not hex):
    /// s3rver answers so to a read that races an overwrite of the same key, as the worker protocol's claims and
    /// heartbeats do all the time; on S3 it would be a corrupted transfer. Either way, reading again is right.
    /// </summary>
    private static bool IsTornRead(Exception e) =>
        e is ArgumentOutOfRangeException { ParamName: "hex" } // Amazon.Util.AWSSDKUtils.HexStringToBytes
        || (e is AmazonClientException && e.Message.StartsWith("Expected hash not equal to calculated hash", StringComparison.Ordinal));

    private static bool IsNetwork(Exception e)
    {
        for (var inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is HttpRequestException or SocketException or IOException or TimeoutException or TaskCanceledException)
            {
                return true;
            }
        }

        return false;
    }

    private PipeException Describe(Exception e, string what, int attempt)
    {
        if (e is AmazonServiceException { StatusCode: not 0 } service && !IsTransient(e))
        {
            if (service.ErrorCode == "NoSuchBucket")
            {
                return new PipeException(ErrorCodes.S3BucketNotFound, $"the bucket of {where} does not exist. Create it first (e.g. 'aws s3 mb'), or fix the store URL in .pipe/config.json.");
            }

            if (service.ErrorCode is "InvalidAccessKeyId" or "SignatureDoesNotMatch" or "AccessDenied" or "ExpiredToken" or "InvalidToken"
                || service.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized)
            {
                return new PipeException(ErrorCodes.S3AccessDenied, $"S3 refused access to {where} ({service.ErrorCode}, HTTP {(int)service.StatusCode}) while it {what}. Check the credentials (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE) and that they may read and write the bucket.");
            }

            return new PipeException(ErrorCodes.S3RequestFailed, $"S3 request failed on {where} while it {what}: {service.ErrorCode} (HTTP {(int)service.StatusCode}). Nothing the command had not finished became visible; try again.");
        }

        if (e is AmazonClientException && !IsNetwork(e) && e.Message.Contains("credentials", StringComparison.OrdinalIgnoreCase))
        {
            return new PipeException(ErrorCodes.S3AccessDenied, $"no AWS credentials found for {where}. Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE, or run where an instance role provides them.");
        }

        var reason = e is AmazonServiceException failed && failed.StatusCode != 0 ? $"{failed.ErrorCode} (HTTP {(int)failed.StatusCode})" : NetworkReason(e);
        return new PipeException(
            ErrorCodes.S3Unreachable,
            $"S3 at {where} did not answer while it {what} ({reason}; {attempt} attempt(s)). Check that the endpoint is right and the server runs, then run the command again: nothing half-written became visible.");
    }

    private static string NetworkReason(Exception e)
    {
        for (var inner = e; inner is not null; inner = inner.InnerException)
        {
            switch (inner)
            {
                case SocketException socket:
                    return socket.SocketErrorCode.ToString();
                case TaskCanceledException or TimeoutException:
                    return "timed out";
                case HttpRequestException { HttpRequestError: not HttpRequestError.Unknown } http:
                    return http.HttpRequestError.ToString();
            }
        }

        return e.GetType().Name;
    }
}
