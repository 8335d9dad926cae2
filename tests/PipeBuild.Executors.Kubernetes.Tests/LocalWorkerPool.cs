using PipeBuild.Workers;

namespace PipeBuild.Executors.Kubernetes.Tests;

/// <summary>
/// Workers as processes on this machine: <see cref="IWorkerPool.StartAsync"/> starts <c>count</c>
/// <c>dotnet pipe worker</c> processes on the workspace's local store, as a Job would start pods.
/// </summary>
public sealed class LocalWorkerPool(WorkerProcesses processes, string workspace, string scratch, int count) : IWorkerPool
{
    public string Name => "local-workers";

    public Task StartAsync(RemoteRun run, CancellationToken cancellationToken)
    {
        for (var i = 0; i < count; i++)
        {
            processes.Start(
                ["worker", "--workspace", workspace, "--job", run.JobId, "--name", $"w{i}", "--scratch", Path.Combine(scratch, $"w{i}")],
                new Dictionary<string, string?>(),
                workspace);
        }

        return Task.CompletedTask;
    }

    public Task<string?> FailureAsync(RemoteRun run, CancellationToken cancellationToken) =>
        Task.FromResult(processes.Processes.All(p => p.HasExited) ? $"every worker exited:\n{processes.AllOutput()}" : null);

    public Task StopAsync(RemoteRun run, bool killed, CancellationToken cancellationToken) => Task.CompletedTask;
}
