using PipeBuild.Core;
using PipeBuild.Core.Pipelines;
using PipeBuild.Engine;
using PipeBuild.Store;
using PipeBuild.Workers;

namespace PipeBuild.Executors.Kubernetes;

/// <summary>
/// <c>&lt;Executor&gt;kubernetes&lt;/Executor&gt;</c>: each job's datums go to the store as work items, and one
/// Kubernetes Job per run, created on its first datum, runs <c>Parallelism</c> pods of the pipeline's image with
/// <c>dotnet pipe worker</c>, which claim them. Outcomes come back exactly as the local executor's would.
/// The pods must reach the store, so a local store is refused.
/// </summary>
public sealed class KubernetesExecutor : IDatumExecutor
{
    private readonly KubernetesWorkerPool pool;
    private readonly WorkerPoolExecutor workers;
    private readonly KubernetesExecutorOptions options;

    public KubernetesExecutor(IObjectStore objects, KubernetesExecutorOptions options)
    {
        this.options = options;
        pool = new KubernetesWorkerPool(objects, options);
        workers = new WorkerPoolExecutor(objects, pool, options.Protocol);
    }

    public string Name => ExecutorNames.Kubernetes;

    public Task<DatumOutcome> RunAsync(DatumWork work, CancellationToken cancellationToken)
    {
        DatumBatching.ThrowIfUnsupported(work.Spec, Name);
        if (IsLocal(options.StoreLocation))
        {
            throw work.Spec.Error(
                ErrorCodes.KubernetesNeedsSharedStore,
                $"the kubernetes executor needs a store its pods can reach, and this workspace's store is local ({options.StoreLocation}). Use an S3 store (dotnet pipe init --store s3://bucket/prefix), or <Executor>local</Executor>.");
        }

        if (string.IsNullOrWhiteSpace(work.Spec.Image))
        {
            throw work.Spec.Error(
                ErrorCodes.KubernetesNoImage,
                $"the kubernetes executor runs the pipeline's Image, and it has none. Set <Image> to an image with the .NET SDK and 'dotnet pipe' (docs/kubernetes.md).");
        }

        return workers.RunAsync(work, cancellationToken);
    }

    /// <summary>Deletes the Kubernetes Jobs of a PipeBuild job and closes its run (<c>job kill</c>).</summary>
    public Task<IReadOnlyList<string>> DeleteJobsAsync(string? @namespace, string jobId, CancellationToken cancellationToken) =>
        pool.DeleteJobsAsync(pool.Namespace(@namespace), jobId, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await workers.DisposeAsync();
        pool.Dispose();
    }

    private static bool IsLocal(string location) =>
        location is "" or "local" || location.StartsWith("file:", StringComparison.OrdinalIgnoreCase) || Path.IsPathRooted(location);
}
