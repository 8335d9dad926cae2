namespace PipeBuild.Store.S3;

/// <summary>The timing of the lease protocol (docs/s3.md).</summary>
/// <param name="TimeToLive">How long a lease entry is honoured after its last write; a holder finishes well within it.</param>
/// <param name="ClockSkew">How far apart the clocks of two writers may be (to expire entries left by crashed writers early).</param>
/// <param name="AcquireTimeout">How long to wait for a lease held by others before giving up with PIPE5106.</param>
public sealed record S3LeaseTiming(TimeSpan TimeToLive, TimeSpan ClockSkew, TimeSpan AcquireTimeout)
{
    public static S3LeaseTiming Default { get; } = new(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(3));

    /// <summary>How long after its entry's last write a holder may still start its write: the rest is a margin for that write.</summary>
    public TimeSpan HoldLimit => TimeToLive * 2 / 3;

    /// <summary>How often a waiting writer rewrites its entry so that it does not expire while it queues.</summary>
    public TimeSpan Refresh => TimeToLive / 3;
}
