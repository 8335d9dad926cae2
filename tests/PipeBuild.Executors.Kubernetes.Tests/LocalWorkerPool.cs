using System.Collections.Concurrent;
using System.Diagnostics;
using PipeBuild.Workers;

namespace PipeBuild.Executors.Kubernetes.Tests;

/// <summary>
/// Workers as processes on this machine: <see cref="IWorkerPool.StartAsync"/> starts <c>count</c>
/// <c>dotnet pipe worker</c> processes that find the store with <c>storeArguments</c> and <c>environment</c>,
/// as a Job would start pods, and <see cref="IWorkerPool.StopAsync"/> kills them as a killed run's Job is deleted.
/// </summary>
public sealed class LocalWorkerPool(
    WorkerProcesses processes, IReadOnlyList<string> storeArguments, IReadOnlyDictionary<string, string?> environment, string directory, string scratch, int count) : IWorkerPool
{
    /// <summary>How long workers may take to see their closed run and exit.</summary>
    private static readonly TimeSpan ExitWait = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, Process[]> runs = new(StringComparer.Ordinal);

    public string Name => "local-workers";

    public Task StartAsync(RemoteRun run, CancellationToken cancellationToken)
    {
        runs[run.JobId] =
        [
            .. Enumerable.Range(0, count).Select(i =>
                processes.Start([.. storeArguments.Prepend("worker"), "--job", run.JobId, "--name", $"w{i}", "--scratch", Path.Combine(scratch, $"w{i}")], environment, directory)),
        ];
        return Task.CompletedTask;
    }

    public Task<string?> FailureAsync(RemoteRun run, CancellationToken cancellationToken) =>
        Task.FromResult(processes.Processes.All(p => p.HasExited) ? $"every worker exited:\n{processes.AllOutput()}" : null);

    /// <summary>
    /// Kills the run's workers if it was killed; otherwise waits for them to exit by themselves, so their folders
    /// can be removed once the executor is disposed.
    /// </summary>
    public async Task StopAsync(RemoteRun run, bool killed, CancellationToken cancellationToken)
    {
        if (!runs.TryRemove(run.JobId, out var workers))
        {
            return;
        }

        foreach (var worker in workers)
        {
            if (killed && !worker.HasExited)
            {
                worker.Kill(entireProcessTree: true);
            }

            await worker.WaitForExitAsync(cancellationToken).WaitAsync(ExitWait, cancellationToken);
        }
    }
}
