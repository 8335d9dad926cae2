namespace PipeBuild.Engine;

/// <summary>
/// Runs one datum's transform somewhere (a local process, a container, a Kubernetes pod) and returns what it
/// wrote to /pfs/out, stored as content. The engine owns everything else (planning, reuse, retries, commits),
/// so an executor plugs in without touching it.
/// </summary>
public interface IDatumExecutor : IAsyncDisposable
{
    /// <summary>local, docker, kubernetes.</summary>
    string Name { get; }

    Task<DatumOutcome> RunAsync(DatumWork work, CancellationToken cancellationToken);
}
