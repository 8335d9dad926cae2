namespace PipeBuild.Store.S3;

/// <summary>How a store makes compare-and-swap safe; probed once when the store is first used, then recorded in it.</summary>
public enum S3WriteMode
{
    /// <summary>The server honours If-None-Match and If-Match on PUT and DELETE: each swap is one conditional request.</summary>
    ConditionalWrites,

    /// <summary>The server ignores those conditions: a swap holds a lease object while it checks and writes (docs/s3.md).</summary>
    Leases,
}
