namespace PipeBuild.Store.S3;

/// <summary>
/// The timing of the lease protocol (docs/s3.md). Safety needs <see cref="Settle"/> &gt; <see cref="WriteWindow"/>:
/// a writer whose read-then-write took longer than the window gives up its attempt, and every writer waits the
/// settle time before it reads its lease back, so a slower rival's write can no longer land unseen.
/// </summary>
/// <param name="WriteWindow">Longest time from reading "no lease" to the lease write's answer that still counts.</param>
/// <param name="Settle">How long a writer waits after writing its lease before reading it back.</param>
/// <param name="TimeToLive">How long a lease is honoured; a holder finishes its swap well within it.</param>
/// <param name="ClockSkew">How far apart the clocks of two writers may be (for leases left by crashed writers).</param>
/// <param name="AcquireTimeout">How long to wait for a lease held by others before giving up with PIPE5106.</param>
public sealed record S3LeaseTiming(TimeSpan WriteWindow, TimeSpan Settle, TimeSpan TimeToLive, TimeSpan ClockSkew, TimeSpan AcquireTimeout)
{
    public static S3LeaseTiming Default { get; } = new(
        TimeSpan.FromMilliseconds(300), TimeSpan.FromMilliseconds(350), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(3));

    /// <summary>The part of the time to live a holder may use: the rest is a margin for its last request.</summary>
    public TimeSpan HoldLimit => TimeToLive * 2 / 3;
}
