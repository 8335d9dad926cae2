using k8s;
using PipeBuild.Workers;

namespace PipeBuild.Executors.Kubernetes;

/// <summary>How the kubernetes executor reaches the cluster and tells its workers where the store is.</summary>
/// <param name="StoreLocation">the store the pods open (PIPE_STORE), e.g. s3://bucket/prefix; never credentials</param>
public sealed record KubernetesExecutorOptions(string StoreLocation)
{
    /// <summary>The cluster: by default KUBECONFIG, ~/.kube/config, or the pod's service account when run in a cluster.</summary>
    public Func<KubernetesClientConfiguration> Configuration { get; init; } = KubernetesClientConfiguration.BuildDefaultConfig;

    /// <summary>The container command that starts a worker; the job id follows as <c>--job ID</c>.</summary>
    public IReadOnlyList<string> WorkerCommand { get; init; } = ["dotnet", "pipe", "worker"];

    public WorkerPoolOptions Protocol { get; init; } = new();

    /// <summary>How long Kubernetes keeps a finished Job (and its pods' logs) before removing it.</summary>
    public int TtlSecondsAfterFinished { get; init; } = 600;

    /// <summary>Where the pipelines' secrets come from: each becomes a Kubernetes Secret the worker pods refer to. Null: none here.</summary>
    public Engine.SecretStore? Secrets { get; init; }

    /// <summary>Where progress notes go (a crashed run cleaned up, a Job created); null: nowhere.</summary>
    public TextWriter? Log { get; init; }
}
