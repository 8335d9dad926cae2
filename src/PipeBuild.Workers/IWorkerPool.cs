namespace PipeBuild.Workers;

/// <summary>
/// Starts and stops the workers of a run (a Kubernetes Job's pods, or processes on this machine) and says
/// when they can no longer finish it. The worker protocol itself goes through the store, not through the pool.
/// </summary>
public interface IWorkerPool
{
    /// <summary>The executor name this pool serves (kubernetes).</summary>
    string Name { get; }

    /// <summary>Called once per run, after its run document exists and before its first item.</summary>
    Task StartAsync(RemoteRun run, CancellationToken cancellationToken);

    /// <summary>Why the run's workers cannot deliver results any more (with their logs), or null while they can.</summary>
    Task<string?> FailureAsync(RemoteRun run, CancellationToken cancellationToken);

    /// <summary>
    /// Called once when the run ends. <paramref name="killed"/>: the job was killed or cancelled, so the workers
    /// are stopped now; otherwise they exit by themselves once they see the run closed.
    /// </summary>
    Task StopAsync(RemoteRun run, bool killed, CancellationToken cancellationToken);
}
