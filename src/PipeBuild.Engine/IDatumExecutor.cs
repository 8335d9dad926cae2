using PipeBuild.Core.Pipelines;

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

    /// <summary>
    /// What this executor adds to the transform identity before datums are planned: facts about where the
    /// transform runs that change its outputs but are not in the spec, such as the digest an image tag points
    /// to now (so a rebuilt image with the same tag reprocesses). Null when there is none (a local process).
    /// </summary>
    ValueTask<string?> ResolveIdentityAsync(PipelineSpec spec, CancellationToken cancellationToken) => ValueTask.FromResult<string?>(null);
}
