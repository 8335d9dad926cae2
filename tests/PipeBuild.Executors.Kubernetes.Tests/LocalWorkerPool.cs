using PipeBuild.Workers;

namespace PipeBuild.Executors.Kubernetes.Tests;

/// <summary>
/// Workers as processes on this machine: <see cref="IWorkerPool.StartAsync"/> starts <c>count</c>
/// <c>dotnet pipe worker</c> processes that find the store with <c>storeArguments</c> and <c>environment</c>,
/// as a Job would start pods.
/// </summary>
public sealed class LocalWorkerPool(
    WorkerProcesses processes, IReadOnlyList<string> storeArguments, IReadOnlyDictionary<string, string?> environment, string directory, string scratch, int count) : IWorkerPool
{
    public string Name => "local-workers";

    public Task StartAsync(RemoteRun run, CancellationToken cancellationToken)
    {
        for (var i = 0; i < count; i++)
        {
            processes.Start([.. storeArguments.Prepend("worker"), "--job", run.JobId, "--name", $"w{i}", "--scratch", Path.Combine(scratch, $"w{i}")], environment, directory);
        }

        return Task.CompletedTask;
    }

    public Task<string?> FailureAsync(RemoteRun run, CancellationToken cancellationToken) =>
        Task.FromResult(processes.Processes.All(p => p.HasExited) ? $"every worker exited:\n{processes.AllOutput()}" : null);

    public Task StopAsync(RemoteRun run, bool killed, CancellationToken cancellationToken) => Task.CompletedTask;
}
