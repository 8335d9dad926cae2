namespace PipeBuild.Store.S3;

/// <summary>The content of a lease object: who holds it and until when (by the holder's clock).</summary>
internal sealed record S3LeaseBody(string Token, string Owner, DateTimeOffset Expires);
