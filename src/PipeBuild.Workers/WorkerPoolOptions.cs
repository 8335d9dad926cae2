namespace PipeBuild.Workers;

/// <summary>Timing of the worker protocol, chosen by the engine and written into the run document.</summary>
/// <param name="Lease">a claim (or the engine's run) whose heartbeat stopped this long ago is taken as lost</param>
/// <param name="PollInterval">how often the engine looks for results and idle workers look for items</param>
public sealed record WorkerPoolOptions(TimeSpan Lease, TimeSpan PollInterval)
{
    public WorkerPoolOptions()
        : this(TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(500))
    {
    }
}
