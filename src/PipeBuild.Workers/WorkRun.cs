using PipeBuild.Core.Pipelines;

namespace PipeBuild.Workers;

/// <summary>
/// The run document a job's workers follow: the pipeline they run, how long a claim lives without a heartbeat,
/// and whether the engine has closed the run (workers then exit). The engine rewrites it every few seconds
/// (<see cref="Beat"/>), so workers and a later cleanup can tell a live run from a crashed one.
/// </summary>
public sealed record WorkRun
{
    public required string JobId { get; init; }

    public required PipelineSpec Spec { get; init; }

    /// <summary>A claim whose heartbeat has not changed for this long belongs to a lost worker.</summary>
    public double LeaseSeconds { get; init; } = 30;

    /// <summary>Counts the engine's heartbeats.</summary>
    public long Beat { get; init; }

    /// <summary>The engine's clock at its last heartbeat (for cleanup of crashed runs).</summary>
    public DateTimeOffset Alive { get; init; }

    public bool Closed { get; init; }

    public TimeSpan Lease => TimeSpan.FromSeconds(LeaseSeconds);
}
