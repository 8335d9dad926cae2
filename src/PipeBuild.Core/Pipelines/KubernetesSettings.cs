namespace PipeBuild.Core.Pipelines;

/// <summary>
/// Where and how the kubernetes executor runs a pipeline's workers: the <c>Kubernetes*</c> properties of a
/// <c>.pipeproj</c>. None of it is part of the transform identity: where a datum runs does not change its outputs.
/// </summary>
public sealed record KubernetesSettings
{
    /// <summary>The namespace of the run's Job; null: the kubeconfig context's namespace, else <c>default</c>.</summary>
    public string? Namespace { get; init; }

    /// <summary>The pods' service account; null: the namespace's default.</summary>
    public string? ServiceAccount { get; init; }

    /// <summary>The Secret whose keys become the worker's environment (store location credentials); never inlined.</summary>
    public string StoreSecret { get; init; } = DefaultStoreSecret;

    /// <summary>Kubernetes quantities such as <c>500m</c> or <c>1Gi</c>; null: not set.</summary>
    public string? CpuRequest { get; init; }

    public string? CpuLimit { get; init; }

    public string? MemoryRequest { get; init; }

    public string? MemoryLimit { get; init; }

    public IReadOnlyList<KeyValuePair<string, string>> NodeSelector { get; init; } = [];

    public IReadOnlyList<string> ImagePullSecrets { get; init; } = [];

    /// <summary>Extra labels on the Job and its pods.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Labels { get; init; } = [];

    /// <summary>
    /// How long a run may have no running worker pod (all Pending: an image that cannot be pulled, a missing
    /// Secret, no node that fits) before it fails; Kubernetes itself never fails a Job for that.
    /// </summary>
    public TimeSpan PendingTimeout { get; init; } = DefaultPendingTimeout;

    public static TimeSpan DefaultPendingTimeout { get; } = TimeSpan.FromMinutes(5);

    public const string DefaultStoreSecret = "pipebuild-store";
}
