namespace PipeBuild.Executors.Kubernetes;

/// <summary>The labels PipeBuild puts on a run's Job and pods, by which a crashed run's Jobs are found again.</summary>
public static class KubernetesLabels
{
    public const string ManagedBy = "app.kubernetes.io/managed-by";
    public const string ManagedByValue = "pipebuild";
    public const string Pipeline = "pipebuild.io/pipeline";
    public const string Job = "pipebuild.io/job";

    public static string OfPipeline(string pipeline) => $"{ManagedBy}={ManagedByValue},{Pipeline}={pipeline}";

    public static string OfJob(string jobId) => $"{ManagedBy}={ManagedByValue},{Job}={jobId}";
}
