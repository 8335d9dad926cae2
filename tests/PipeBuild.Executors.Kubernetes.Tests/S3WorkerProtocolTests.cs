using PipeBuild.Store;
using PipeBuild.Workers;

namespace PipeBuild.Executors.Kubernetes.Tests;

/// <summary>
/// The worker protocol on S3 (s3rver): the workers open the store as a pod does, from <c>PIPE_STORE</c> and the
/// AWS variables of the store Secret; claims, heartbeats and takeover go through the S3 store's compare-and-swap.
/// </summary>
public sealed class S3WorkerProtocolTests : WorkerProtocolTests
{
    private S3Workspace? workspace;

    protected override IReadOnlyList<string> StoreArguments => [];

    /// <summary>
    /// Longer leases than on the local store: without conditional writes on s3rver each compare-and-swap takes a
    /// lease of its own (docs/s3.md), about half a second, so a heartbeat every 0.7 s would not keep up on a busy machine.
    /// </summary>
    protected override WorkerPoolOptions Protocol { get; } = new(TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(200));

    protected override IReadOnlyDictionary<string, string?> WorkerEnvironment =>
        new Dictionary<string, string?>(S3rver.SecretData.Select(p => new KeyValuePair<string, string?>(p.Key, p.Value))) { ["PIPE_STORE"] = Workspace.Store };

    private S3Workspace Workspace
    {
        get
        {
            S3rver.Require();
            return workspace ??= new S3Workspace("protocol");
        }
    }

    protected override IObjectStore Open() => S3rver.Open(Workspace.Store);

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            workspace?.Dispose();
        }
    }
}
