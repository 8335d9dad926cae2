using System.Collections.Concurrent;
using PipeBuild.Engine;
using PipeBuild.Store;

namespace PipeBuild.Workers;

/// <summary>
/// An executor whose datums run on workers that reach the store themselves: the first datum of a job opens
/// the job's run and starts its workers through the <see cref="IWorkerPool"/>; each datum try is published
/// as an item and its result awaited. Disposing closes every run; cancellation (job kill, Ctrl+C) stops the
/// run's workers at once.
/// </summary>
public sealed class WorkerPoolExecutor(IObjectStore objects, IWorkerPool pool, WorkerPoolOptions? options = null) : IDatumExecutor
{
    private readonly WorkerPoolOptions settings = options ?? new WorkerPoolOptions();
    private readonly ConcurrentDictionary<string, Lazy<Task<RemoteRun>>> runs = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> stopped = new(StringComparer.Ordinal);

    public string Name => pool.Name;

    public async Task<DatumOutcome> RunAsync(DatumWork work, CancellationToken cancellationToken)
    {
        var run = await runs.GetOrAdd(work.JobId, id => new Lazy<Task<RemoteRun>>(() => OpenAsync(id, work, cancellationToken))).Value;
        try
        {
            var item = await run.PublishAsync(work, cancellationToken);
            return await run.WaitAsync(item, work, ct => pool.FailureAsync(run, ct), cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await StopAsync(run, killed: true);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (jobId, lazy) in runs)
        {
            runs.TryRemove(jobId, out _);
            RemoteRun run;
            try
            {
                run = await lazy.Value;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                continue; // it never started; its first datum reported why
            }

            await StopAsync(run, killed: false);
            await run.DisposeAsync();
        }
    }

    private async Task<RemoteRun> OpenAsync(string jobId, DatumWork work, CancellationToken cancellationToken)
    {
        var run = await RemoteRun.OpenAsync(objects, jobId, work.Spec, settings, cancellationToken);
        try
        {
            await pool.StartAsync(run, cancellationToken);
        }
        catch
        {
            await run.CloseAsync(CancellationToken.None);
            throw;
        }

        return run;
    }

    private async Task StopAsync(RemoteRun run, bool killed)
    {
        if (!stopped.TryAdd(run.JobId, 0))
        {
            return;
        }

        // Close first: workers that are still polling see it and exit instead of waiting for new items.
        await run.CloseAsync(CancellationToken.None);
        await pool.StopAsync(run, killed, CancellationToken.None);
    }
}
