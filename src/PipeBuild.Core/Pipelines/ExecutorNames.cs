namespace PipeBuild.Core.Pipelines;

/// <summary>The executors a pipeline can name in <see cref="PipelineSpec.Executor"/>, and how to list them in messages.</summary>
public static class ExecutorNames
{
    public const string Local = "local";
    public const string Docker = "docker";
    public const string Kubernetes = "kubernetes";

    public static IReadOnlyList<string> All { get; } = [Local, Docker, Kubernetes];

    /// <summary>"local, docker or kubernetes".</summary>
    public static string Listed => $"{string.Join(", ", All.Take(All.Count - 1))} or {All[^1]}";
}
