using PipeBuild.Core.Pipelines;
using PipeBuild.Core;
using PipeBuild.Engine;
using PipeBuild.Store;

namespace PipeBuild.Workers;

/// <summary>
/// The engine's side of one job run on workers: publishes the run document and keeps it alive, publishes each
/// datum try as a work item, and turns the worker's result into the <see cref="DatumOutcome"/> the local executor
/// would have returned. Closing the run tells the workers to exit and removes its items, claims and results.
/// </summary>
public sealed class RemoteRun : IAsyncDisposable
{
    private readonly IObjectStore objects;
    private readonly TimeProvider time;
    private readonly CancellationTokenSource stop = new();
    private readonly SemaphoreSlim gate = new(1, 1);
    private WorkRun document;
    private string version;
    private Task heartbeat = Task.CompletedTask;
    private int disposed;

    private RemoteRun(IObjectStore objects, WorkRun document, string version, TimeSpan pollInterval, TimeProvider time)
    {
        this.objects = objects;
        PollInterval = pollInterval;
        this.document = document;
        this.version = version;
        this.time = time;
    }

    public string JobId => document.JobId;

    public PipelineSpec Spec => document.Spec;

    /// <summary>How often the engine looks for a result.</summary>
    public TimeSpan PollInterval { get; }

    public static async Task<RemoteRun> OpenAsync(
        IObjectStore objects, string jobId, PipelineSpec spec, WorkerPoolOptions options, CancellationToken cancellationToken, TimeProvider? timeProvider = null)
    {
        var time = timeProvider ?? TimeProvider.System;
        var document = new WorkRun
        {
            JobId = jobId,
            // Workers run in their own folder (the image's working directory); TransformFiles are paths on this
            // machine that only the transform identity, already computed here, needed.
            Spec = spec with { WorkingDirectory = null, TransformFiles = [] },
            LeaseSeconds = options.Lease.TotalSeconds,
            Alive = time.GetUtcNow(),
        };
        var key = WorkerKeys.Run(jobId);
        var version = await objects.TryWriteDocumentAsync(key, WorkerJson.Serialize(document), null, cancellationToken)
            ?? throw new PipeException(ErrorCodes.Contention, $"job {jobId} already has a worker run in {objects.Location}; run the pipeline again.");
        var run = new RemoteRun(objects, document, version, options.PollInterval, time);
        run.heartbeat = run.BeatAsync(options.Lease / 3);
        return run;
    }

    /// <summary>Publishes one datum try; returns the item id to wait on.</summary>
    public async Task<string> PublishAsync(DatumWork work, CancellationToken cancellationToken)
    {
        var id = WorkerKeys.ItemId(work.Datum.Id, work.Try);
        await objects.PutIfAbsentAsync(WorkerKeys.Item(JobId, id), WorkerJson.Serialize(new WorkItem(id, work.Datum, work.Try) { ErrorHandler = work.ErrorHandler }), cancellationToken);
        return id;
    }

    /// <summary>
    /// Waits for an item's result, its log going to <paramref name="work"/>'s. <paramref name="failure"/> says why the workers can no longer deliver one
    /// (their pods failed), or null while they can; it is asked every few seconds, not on every look.
    /// </summary>
    public async Task<DatumOutcome> WaitAsync(string itemId, DatumWork work, Func<CancellationToken, Task<string?>> failure, CancellationToken cancellationToken)
    {
        var key = WorkerKeys.Result(JobId, itemId);
        var lastCheck = time.GetTimestamp();
        while (true)
        {
            if (await objects.TryReadAsync(key, cancellationToken) is { } data)
            {
                return await OutcomeAsync(WorkerJson.Deserialize<WorkResult>(data), work.Content, work.Log, cancellationToken);
            }

            if (time.GetElapsedTime(lastCheck) > TimeSpan.FromSeconds(2))
            {
                lastCheck = time.GetTimestamp();
                if (await failure(cancellationToken) is { } reason)
                {
                    throw new PipeException(ErrorCodes.WorkersFailed, $"the workers of job {JobId} stopped before datum {itemId[..12]} finished: {reason}");
                }
            }

            await Task.Delay(PollInterval, time, cancellationToken);
        }
    }

    /// <summary>Marks the run closed (workers exit when they see it) and removes its work items.</summary>
    public async Task CloseAsync(CancellationToken cancellationToken)
    {
        await stop.CancelAsync();
        await heartbeat;
        await UpdateAsync(d => d with { Closed = true }, cancellationToken);
        var keys = new List<string>();
        await foreach (var key in objects.ListAsync(WorkerKeys.RunPrefix(JobId), cancellationToken))
        {
            keys.Add(key);
        }

        foreach (var key in keys.Where(k => k != WorkerKeys.Run(JobId)))
        {
            await objects.DeleteAsync(key, cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }

        await stop.CancelAsync();
        await heartbeat;
        stop.Dispose();
        gate.Dispose();
    }

    /// <summary>Closes a run whose engine is gone (crash cleanup); true when this call closed it.</summary>
    public static async Task<bool> CloseAbandonedAsync(IObjectStore objects, string jobId, CancellationToken cancellationToken)
    {
        var key = WorkerKeys.Run(jobId);
        var stored = await objects.ReadDocumentAsync(key, cancellationToken);
        if (stored is null || WorkerJson.Deserialize<WorkRun>(stored.Content) is not { Closed: false } run)
        {
            return false;
        }

        return await objects.TryWriteDocumentAsync(key, WorkerJson.Serialize(run with { Closed = true }), stored.Version, cancellationToken) is not null;
    }

    private async Task<DatumOutcome> OutcomeAsync(WorkResult result, ContentStore content, DatumLog log, CancellationToken cancellationToken)
    {
        if (result.ErrorCode is { } code)
        {
            throw new PipeException(code, result.Reason ?? "the worker failed");
        }

        // The hashes become object keys and tree entries: a damaged result must not reach either.
        if (result.Outputs.Select(o => o.Hash).Prepend(result.LogHash).FirstOrDefault(h => h is not null && !Digest.TryParse(h, out _)) is { } bad)
        {
            throw new PipeException(ErrorCodes.Corrupt, $"worker {result.Worker}'s result for job {JobId} names '{bad}', which is not a content hash: the store holds a damaged worker result. Run the pipeline again.");
        }

        if (result.LogHash is { } hash)
        {
            await using var stored = await content.OpenObjectAsync(hash, cancellationToken);
            await log.CopyFromAsync(stored, cancellationToken);
        }

        return new DatumOutcome(result.Succeeded, result.Reason, result.Outputs, result.BytesRead, result.BytesWritten);
    }

    private async Task BeatAsync(TimeSpan interval)
    {
        try
        {
            while (true)
            {
                await Task.Delay(interval, time, stop.Token);
                try
                {
                    await UpdateAsync(d => d with { Beat = d.Beat + 1, Alive = time.GetUtcNow() }, stop.Token);
                }
                catch (PipeException)
                {
                    // The store failed this beat (after its own retries); the next one tries again. Ending the
                    // heartbeat would make every worker give the run up while the engine still waits on it.
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task UpdateAsync(Func<WorkRun, WorkRun> change, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            var key = WorkerKeys.Run(JobId);
            while (true)
            {
                var next = change(document);
                // The version comes back from the write: reading the document back would fail the whole heartbeat
                // whenever that read fails (a server whose PUT is not atomic serves a torn body for a while).
                if (await objects.TryWriteDocumentAsync(key, WorkerJson.Serialize(next), version, cancellationToken) is { } written)
                {
                    (document, version) = (next, written);
                    return;
                }

                // Only a crash cleanup writes here besides this engine; take its version and write again.
                var stored = await objects.ReadDocumentAsync(key, cancellationToken);
                if (stored is null)
                {
                    return;
                }

                document = WorkerJson.Deserialize<WorkRun>(stored.Content);
                version = stored.Version;
            }
        }
        finally
        {
            gate.Release();
        }
    }
}
