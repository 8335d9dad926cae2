using PipeBuild.Core;
using PipeBuild.Engine;
using PipeBuild.Store;

namespace PipeBuild.Workers;

/// <summary>
/// The worker's side of the protocol (<c>dotnet pipe worker</c>): claims one item at a time by compare-and-swap
/// on its claim document, runs it with the given executor while bumping the claim as a heartbeat, stores the
/// outputs and the log as content and writes the item's result. A claim whose version stopped changing for a
/// lease (its worker was lost) is taken over, up to <see cref="WorkerOptions.MaxAttempts"/> times. Expiry is
/// judged on this worker's own clock from when it saw a version, so clocks of different machines never meet.
/// The worker returns when the engine closes the run, or when the engine's heartbeat stops.
/// </summary>
public sealed class Worker(IObjectStore objects, IDatumExecutor executor, WorkerOptions options, TextWriter log, TimeProvider? timeProvider = null)
{
    private readonly TimeProvider time = timeProvider ?? TimeProvider.System;
    private readonly ContentStore content = new(objects);
    private readonly Dictionary<string, (string Version, long Seen)> observed = new(StringComparer.Ordinal);
    private readonly HashSet<string> done = new(StringComparer.Ordinal);

    private string JobId => options.JobId;

    /// <summary>Runs until the run is closed; returns how many items this worker completed.</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        (string Version, long Seen) engine = ("", 0);
        var completed = 0;
        while (true)
        {
            var stored = await objects.ReadDocumentAsync(WorkerKeys.Run(JobId), cancellationToken);
            if (stored is null)
            {
                if (time.GetElapsedTime(started) > options.RunWait)
                {
                    throw new PipeException(
                        ErrorCodes.WorkerRunNotFound,
                        $"no worker run for job {JobId} in {objects.Location} after {options.RunWait.TotalSeconds:0} s. Check the job id and that the worker uses the engine's store.");
                }

                await Task.Delay(options.PollInterval, time, cancellationToken);
                continue;
            }

            var run = WorkerJson.Deserialize<WorkRun>(stored.Content);
            if (run.Closed)
            {
                Log($"run closed; this worker completed {completed} datum(s)");
                return completed;
            }

            if (stored.Version != engine.Version)
            {
                engine = (stored.Version, time.GetTimestamp());
            }
            else if (time.GetElapsedTime(engine.Seen) > run.Lease * 3)
            {
                Log($"the engine has not renewed the run for {run.Lease.TotalSeconds * 3:0} s; it is gone, stopping");
                return completed;
            }

            if (await TryClaimAsync(run, cancellationToken) is not { } claim)
            {
                await Task.Delay(options.PollInterval, time, cancellationToken);
                continue;
            }

            if (await RunItemAsync(run, claim, cancellationToken))
            {
                completed++;
            }
        }
    }

    private async Task<Claimed?> TryClaimAsync(WorkRun run, CancellationToken cancellationToken)
    {
        var prefix = WorkerKeys.ItemsPrefix(JobId);
        var ids = new List<string>();
        await foreach (var key in objects.ListAsync(prefix, cancellationToken))
        {
            var id = key[prefix.Length..];
            if (!done.Contains(id))
            {
                ids.Add(id);
            }
        }

        // A random order spreads idle workers over the items instead of all racing for the first.
        Random.Shared.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(ids));
        foreach (var id in ids)
        {
            if (await objects.ExistsAsync(WorkerKeys.Result(JobId, id), cancellationToken))
            {
                done.Add(id);
                observed.Remove(id);
                continue;
            }

            var key = WorkerKeys.Claim(JobId, id);
            var current = await objects.ReadDocumentAsync(key, cancellationToken);
            if (current is null)
            {
                if (await WriteClaimAsync(key, new WorkClaim(options.Name, 1, 0), null, cancellationToken) is { } version)
                {
                    return new Claimed(id, key, new WorkClaim(options.Name, 1, 0), version);
                }

                continue;
            }

            var now = time.GetTimestamp();
            if (!observed.TryGetValue(id, out var seen) || seen.Version != current.Version)
            {
                observed[id] = (current.Version, now);
                continue;
            }

            if (time.GetElapsedTime(seen.Seen, now) < run.Lease)
            {
                continue;
            }

            var lost = WorkerJson.Deserialize<WorkClaim>(current.Content);
            var mine = new WorkClaim(options.Name, lost.Attempt + 1, 0);
            if (await WriteClaimAsync(key, mine, current.Version, cancellationToken) is not { } taken)
            {
                continue;
            }

            Log($"took over datum {Short(id)} from {lost.Worker}: no heartbeat for {run.Lease.TotalSeconds:0.#} s");
            if (mine.Attempt > options.MaxAttempts)
            {
                var reason = $"error {ErrorCodes.DatumLostTooOften}: {lost.Attempt} workers were lost while running this datum (their pods were killed or evicted, or ran out of memory); check the pods' events and resource limits";
                await objects.PutIfAbsentAsync(WorkerKeys.Result(JobId, id), WorkerJson.Serialize(new WorkResult { Worker = options.Name, Reason = reason }), cancellationToken);
                done.Add(id);
                continue;
            }

            return new Claimed(id, key, mine, taken);
        }

        return null;
    }

    /// <summary>Runs a claimed item; false when the claim was lost to another worker midway (no result written).</summary>
    private async Task<bool> RunItemAsync(WorkRun run, Claimed claim, CancellationToken cancellationToken)
    {
        var data = await objects.TryReadAsync(WorkerKeys.Item(JobId, claim.Id), cancellationToken);
        if (data is null)
        {
            return false; // the run was closed and its items removed meanwhile
        }

        var item = WorkerJson.Deserialize<WorkItem>(data);
        Log($"running datum {Short(claim.Id)} ({item.Datum.Describe()}), try {item.Try}{(claim.Claim.Attempt > 1 ? $", worker {claim.Claim.Attempt}" : "")}");
        using var lost = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var stopBeats = new CancellationTokenSource();
        var beats = BeatAsync(run, claim, lost, stopBeats.Token);
        var scratch = Path.Combine(options.ScratchRoot, claim.Id);
        WorkResult result;
        try
        {
            using var log = new DatumLog(scratch + ".log");
            var outcome = await executor.RunAsync(new DatumWork(item.ErrorHandler ? run.Spec.AsErrorHandler() : run.Spec, item.Datum, JobId, item.Try, content, scratch, log) { ErrorHandler = item.ErrorHandler }, lost.Token);
            var logHash = await log.StoreAsync(content, cancellationToken);
            result = new WorkResult
            {
                Worker = options.Name,
                Succeeded = outcome.Succeeded,
                Reason = outcome.Reason,
                Outputs = outcome.Outputs,
                LogHash = logHash,
                BytesRead = outcome.BytesRead,
                BytesWritten = outcome.BytesWritten,
            };
        }
        catch (PipeException e)
        {
            result = new WorkResult { Worker = options.Name, Reason = e.Message, ErrorCode = e.Code };
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Log($"lost datum {Short(claim.Id)} to another worker; dropping it");
            return false;
        }
        finally
        {
            await stopBeats.CancelAsync();
            await beats;
            DatumSandbox.Delete(scratch);
        }

        await objects.PutIfAbsentAsync(WorkerKeys.Result(JobId, claim.Id), WorkerJson.Serialize(result), cancellationToken);
        done.Add(claim.Id);
        Log($"datum {Short(claim.Id)}: {(result.Succeeded ? "success" : result.Reason)}");
        return true;
    }

    /// <summary>Bumps the claim every third of a lease; cancels <paramref name="lost"/> if another worker took it.</summary>
    private async Task BeatAsync(WorkRun run, Claimed claim, CancellationTokenSource lost, CancellationToken stop)
    {
        var current = claim.Claim;
        var version = claim.Version;
        try
        {
            while (true)
            {
                await Task.Delay(run.Lease / 3, time, stop);
                var next = current with { Beat = current.Beat + 1 };
                if (await WriteClaimAsync(claim.Key, next, version, stop) is not { } written)
                {
                    await lost.CancelAsync();
                    return;
                }

                (current, version) = (next, written);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Writes a claim by compare-and-swap; returns its new version, or null when another writer won.</summary>
    private Task<string?> WriteClaimAsync(string key, WorkClaim claim, string? expected, CancellationToken cancellationToken) =>
        objects.TryWriteDocumentAsync(key, WorkerJson.Serialize(claim), expected, cancellationToken);

    private void Log(string message) => log.WriteLine($"worker {options.Name}: {message}");

    private static string Short(string itemId) => itemId.Length > 12 ? itemId[..12] : itemId;

    private sealed record Claimed(string Id, string Key, WorkClaim Claim, string Version);
}
