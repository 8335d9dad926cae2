namespace PipeBuild.Workers;

/// <summary>Who a worker is and which run it serves.</summary>
/// <param name="JobId">the job whose run document and items the worker follows</param>
/// <param name="Name">the worker's name in claims and logs (a pod's name)</param>
/// <param name="ScratchRoot">where datum sandboxes are made</param>
public sealed record WorkerOptions(string JobId, string Name, string ScratchRoot)
{
    /// <summary>How often an idle worker looks for items.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long to wait for the run document to appear (a pod may start before the engine wrote it).</summary>
    public TimeSpan RunWait { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>How many workers an item may lose (each a lease without heartbeat) before it fails.</summary>
    public int MaxAttempts { get; init; } = 3;
}
