namespace PipeBuild.Store.S3;

/// <summary>
/// A read saw an object while it was being replaced: the body does not match its ETag or length. S3 never does
/// this, but servers that overwrite in place (s3rver) do; the read is retried like any transient failure.
/// </summary>
internal sealed class S3TornReadException(string key, Exception? inner = null)
    : IOException($"'{key}' changed while it was read", inner);
