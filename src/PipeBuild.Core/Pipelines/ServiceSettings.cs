namespace PipeBuild.Core.Pipelines;

/// <summary>
/// Pachyderm's <c>service</c>: the pipeline's process serves its input's current commits on a port, and is restarted
/// when they change, instead of running jobs. <see cref="InternalPort"/> is the port the process listens on,
/// <see cref="ExternalPort"/> the one clients reach; <see cref="Type"/> is Kubernetes' service type, kept as written.
/// </summary>
public sealed record ServiceSettings(int InternalPort, int ExternalPort, string? Type = null)
{
    /// <summary>Kubernetes' service types, as Pachyderm passes <c>service.type</c> on.</summary>
    public static IReadOnlyList<string> Types { get; } = ["NodePort", "ClusterIP", "LoadBalancer"];
}
