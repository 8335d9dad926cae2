using PipeBuild.Core;
using PipeBuild.Store;
using PipeBuild.Store.Local;

namespace PipeBuild.Executors.Kubernetes.Tests;

/// <summary>The worker protocol on a local workspace's store, the workers finding it with <c>--workspace</c>.</summary>
public sealed class LocalWorkerProtocolTests : WorkerProtocolTests
{
    private readonly TempWorkspace workspace = new();

    protected override IReadOnlyList<string> StoreArguments => ["--workspace", workspace.Root];

    [Fact]
    public void A_worker_without_a_job_id_says_how_to_give_one()
    {
        workspace.Run("worker").ShouldFailWith(ErrorCodes.WorkerJobRequired);
    }

    protected override IObjectStore Open() => new LocalObjectStore(workspace.PipeFolder);

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            workspace.Dispose();
        }
    }
}
