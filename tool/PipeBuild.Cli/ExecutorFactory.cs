using PipeBuild.Core;
using PipeBuild.Core.Pipelines;
using PipeBuild.Engine;
using PipeBuild.Executors.Docker;
using PipeBuild.Executors.Kubernetes;
using PipeBuild.Executors.Local;

namespace PipeBuild.Cli;

/// <summary>The executor a pipeline's <c>Executor</c> property names.</summary>
internal static class ExecutorFactory
{
    public static IDatumExecutor Create(string name, Session session) => name switch
    {
        ExecutorNames.Local => new LocalExecutor(session.Workspace.Secrets),
        ExecutorNames.Docker => new DockerExecutor(DockerExecutorOptions.FromEnvironment() with { Secrets = session.Workspace.Secrets }),
        ExecutorNames.Kubernetes => Kubernetes(session),
        _ => throw new PipeException(
            ErrorCodes.ExecutorUnavailable,
            $"executor '{name}' is not available; use <Executor>{ExecutorNames.Local}</Executor>, {ExecutorNames.Docker} or {ExecutorNames.Kubernetes}."),
    };

    /// <summary>
    /// After <c>job kill</c>: deletes the Kubernetes Jobs of a kubernetes pipeline's job, so its pods stop even
    /// when the process that ran the job is gone.
    /// </summary>
    public static async Task StopWorkersAsync(Session session, JobInfo job, CancellationToken cancellationToken)
    {
        if (job.State == JobState.Killed && session.Workspace.Config.Store != "local"
            && await session.Engine.Registry.TryGetAsync(job.Pipeline, cancellationToken) is { Spec.Executor: ExecutorNames.Kubernetes } pipeline)
        {
            await using var executor = Kubernetes(session);
            foreach (var name in await executor.DeleteJobsAsync(pipeline.Spec.Kubernetes.Namespace, job.Id, cancellationToken))
            {
                session.Out.Note($"deleted Kubernetes Job {name}");
            }
        }
    }

    private static KubernetesExecutor Kubernetes(Session session) =>
        new(session.Store.Objects, new KubernetesExecutorOptions(session.Workspace.Config.Store) { Log = session.Console.Error, Secrets = session.Workspace.Secrets });
}
