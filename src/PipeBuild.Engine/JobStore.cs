using System.Text;
using PipeBuild.Core;
using PipeBuild.Store;

namespace PipeBuild.Engine;

/// <summary>
/// Job records under <c>jobs/PIPELINE/ID</c>, and the id of each pipeline's last successful job under
/// <c>last-success/PIPELINE</c>, which every run reads: a pipeline that has run thousands of times (<c>watch</c>, CI)
/// would otherwise read thousands of records to find it. Every read of the records ends the jobs whose owner is
/// gone (<see cref="JobOwner"/>) and removes their scratch folders under <paramref name="scratchRoot"/>.
/// </summary>
public sealed class JobStore(IObjectStore objects, string? scratchRoot = null)
{
    /// <summary>How often a running job's owner rewrites its heartbeat.</summary>
    public static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(10);

    /// <summary>How often at most a running job's record takes its datum counts.</summary>
    public static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(2);

    /// <summary>How long without a heartbeat before the job of an owner on another machine counts as abandoned.</summary>
    public static readonly TimeSpan HeartbeatTimeout = HeartbeatInterval * 6;

    public async Task SaveAsync(JobInfo job, CancellationToken cancellationToken)
    {
        await ReplaceAsync(EngineKeys.Job(job.Pipeline, job.Id), EngineJson.Serialize(job), job.Id, cancellationToken);
        if (job.State == JobState.Success)
        {
            await ReplaceAsync(EngineKeys.LastSuccess(job.Pipeline), Encoding.UTF8.GetBytes(job.Id), job.Id, cancellationToken);
        }
    }

    private async Task ReplaceAsync(string key, byte[] content, string jobId, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 20; attempt++)
        {
            var current = await objects.ReadDocumentAsync(key, cancellationToken);
            if (await objects.TryWriteDocumentAsync(key, content, current?.Version, cancellationToken) is not null)
            {
                return;
            }
        }

        throw new PipeException(ErrorCodes.Contention, $"job {jobId} kept changing; try again.");
    }

    public async Task<IReadOnlyList<JobInfo>> ListAsync(string? pipeline, CancellationToken cancellationToken)
    {
        var jobs = new List<JobInfo>();
        await foreach (var key in objects.ListAsync(pipeline is null ? EngineKeys.JobsPrefix : EngineKeys.JobsOf(pipeline), cancellationToken))
        {
            if (await objects.TryReadAsync(key, cancellationToken) is { } data)
            {
                jobs.Add(await EndIfAbandonedAsync(EngineJson.Deserialize<JobInfo>(data), cancellationToken));
            }
        }

        return [.. jobs.OrderByDescending(j => j.Started)];
    }

    /// <summary>The job's datums (none for a job that stopped before its datums were recorded).</summary>
    public async Task<IReadOnlyList<JobDatum>> GetDatumsAsync(JobInfo job, CancellationToken cancellationToken) =>
        job.DatumTable is { } table ? await DatumTable.ReadAsync(new ContentStore(objects), table, cancellationToken) : [];

    /// <summary>The datums <paramref name="job"/> has finished while it runs (none once it has ended: its datum table has them all).</summary>
    public async Task<FinishedDatums> GetFinishedAsync(JobInfo job, CancellationToken cancellationToken) =>
        await objects.TryReadAsync(EngineKeys.Finished(job.Id), cancellationToken) is { } data ? EngineJson.Deserialize<FinishedDatums>(data) : FinishedDatums.None;

    /// <summary>The job's datums without descriptions, in no particular order (<see cref="DatumTable.ReadKeysAsync"/>).</summary>
    public async Task<IReadOnlyList<DatumKeys>> GetDatumKeysAsync(JobInfo job, CancellationToken cancellationToken) =>
        job.DatumTable is { } table ? await DatumTable.ReadKeysAsync(new ContentStore(objects), table, cancellationToken) : [];

    /// <summary>
    /// The last successful job of <paramref name="pipeline"/>, if any. A store written before the pointer existed, or a
    /// pointer naming a job since deleted, falls back to the newest successful record.
    /// </summary>
    public async Task<JobInfo?> LastSuccessAsync(string pipeline, CancellationToken cancellationToken)
    {
        if (await objects.TryReadAsync(EngineKeys.LastSuccess(pipeline), cancellationToken) is { } id
            && await objects.TryReadAsync(EngineKeys.Job(pipeline, Encoding.UTF8.GetString(id)), cancellationToken) is { } record
            && EngineJson.Deserialize<JobInfo>(record) is { State: JobState.Success } job)
        {
            return job;
        }

        return (await ListAsync(pipeline, cancellationToken)).FirstOrDefault(j => j.State == JobState.Success);
    }

    /// <summary>Deletes every record of <paramref name="pipeline"/>'s jobs (the pipeline is being deleted).</summary>
    public async Task DeleteAllAsync(string pipeline, CancellationToken cancellationToken)
    {
        await objects.DeleteAsync(EngineKeys.LastSuccess(pipeline), cancellationToken);
        await foreach (var key in objects.ListAsync(EngineKeys.JobsOf(pipeline), cancellationToken))
        {
            await objects.DeleteAsync(key, cancellationToken);
        }
    }

    /// <summary>A job by id or unique id prefix.</summary>
    public async Task<JobInfo> GetAsync(string id, CancellationToken cancellationToken)
    {
        var matches = (await ListAsync(null, cancellationToken)).Where(j => j.Id.StartsWith(id, StringComparison.Ordinal)).ToList();
        return matches.Count switch
        {
            1 => matches[0],
            0 => throw new PipeException(ErrorCodes.JobNotFound, $"job '{id}' not found. 'dotnet pipe job list' shows the jobs."),
            _ => throw new PipeException(ErrorCodes.AmbiguousCommit, $"'{id}' matches {matches.Count} jobs; give more digits."),
        };
    }

    /// <summary>Marks a running job killed; the process running it notices and stops its datums.</summary>
    /// <param name="killer">who killed it, for the job's reason (<c>'dotnet pipe job kill'</c>, <c>the web console</c>)</param>
    public async Task<JobInfo> KillAsync(string id, string killer, CancellationToken cancellationToken)
    {
        var job = await GetAsync(id, cancellationToken);
        if (job.State is JobState.Starting or JobState.Running)
        {
            job = job with { State = JobState.Killed, Finished = DateTimeOffset.UtcNow, Reason = $"killed by {killer}" };
            await SaveAsync(job, cancellationToken);
        }

        return job;
    }

    /// <summary>
    /// Marks <paramref name="job"/> killed for <paramref name="reason"/> if its record still says it runs; a
    /// compare-and-swap, so an end written meanwhile (its success) stands. False when it had ended.
    /// </summary>
    internal async Task<bool> TryKillAsync(JobInfo job, string reason, CancellationToken cancellationToken)
    {
        var key = EngineKeys.Job(job.Pipeline, job.Id);
        for (var attempt = 0; attempt < 20; attempt++)
        {
            if (await objects.ReadDocumentAsync(key, cancellationToken) is not { } document
                || EngineJson.Deserialize<JobInfo>(document.Content) is not { State: JobState.Starting or JobState.Running } current)
            {
                return false;
            }

            var killed = current with { State = JobState.Killed, Finished = DateTimeOffset.UtcNow, Reason = reason };
            if (await objects.TryWriteDocumentAsync(key, EngineJson.Serialize(killed), document.Version, cancellationToken) is not null)
            {
                return true;
            }
        }

        throw new PipeException(ErrorCodes.Contention, $"job {job.Id} kept changing; try again.");
    }

    /// <summary>
    /// The owner's side of a running job: cancels <paramref name="cancel"/> when the job's record says it was killed;
    /// writes the datum counts of <paramref name="progress"/> into the record as they change (at most every
    /// <see cref="ProgressInterval"/>, so <c>job list</c> from another shell follows the job) and the heartbeat at
    /// least every <see cref="HeartbeatInterval"/>. Each write is a compare-and-swap: a kill written meanwhile stands.
    /// With the counts goes the list of datums <paramref name="finished"/> (<see cref="FinishedDatums"/>), removed when the job ends.
    /// </summary>
    internal async Task WatchAsync(JobInfo job, CancellationTokenSource cancel, Func<JobProgress?> progress, FinishedDatums.Recorder finished)
    {
        try
        {
            await WatchRecordAsync(job, cancel, progress, finished);
        }
        finally
        {
            await objects.DeleteAsync(EngineKeys.Finished(job.Id), CancellationToken.None);
        }
    }

    private async Task WatchRecordAsync(JobInfo job, CancellationTokenSource cancel, Func<JobProgress?> progress, FinishedDatums.Recorder finished)
    {
        var published = 0;
        var key = EngineKeys.Job(job.Pipeline, job.Id);
        var lastWrite = DateTimeOffset.UtcNow;
        JobProgress? written = null;
        try
        {
            while (!cancel.IsCancellationRequested)
            {
                await Task.Delay(500, cancel.Token);
                if (await objects.ReadDocumentAsync(key, cancel.Token) is not { } document)
                {
                    continue;
                }

                var current = EngineJson.Deserialize<JobInfo>(document.Content);
                if (current.State == JobState.Killed)
                {
                    await cancel.CancelAsync();
                    continue;
                }

                var now = DateTimeOffset.UtcNow;
                var latest = progress();
                var progressed = latest is not null && latest != written && now - lastWrite >= ProgressInterval;
                if (current.State == JobState.Running && (progressed || now - lastWrite >= HeartbeatInterval))
                {
                    var updated = current with { Heartbeat = now };
                    if (latest is not null)
                    {
                        updated = updated with { DatumsTotal = latest.Total, DatumsProcessed = latest.Processed, DatumsSkipped = latest.Skipped, DatumsFailed = latest.Failed };
                    }

                    if (await objects.TryWriteDocumentAsync(key, EngineJson.Serialize(updated), document.Version, cancel.Token) is not null)
                    {
                        (lastWrite, written) = (now, latest);
                    }

                    if (finished.Snapshot() is { } datums && datums.Count != published)
                    {
                        var list = await objects.ReadDocumentAsync(EngineKeys.Finished(job.Id), cancel.Token);
                        if (await objects.TryWriteDocumentAsync(EngineKeys.Finished(job.Id), EngineJson.Serialize(datums), list?.Version, cancel.Token) is not null)
                        {
                            published = datums.Count;
                        }
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>
    /// Ends <paramref name="job"/> as killed when it is running but its owner is gone: on this machine its process
    /// no longer runs; elsewhere its heartbeat is older than <see cref="HeartbeatTimeout"/>. Its scratch folder goes
    /// with it. Its output branch was never moved, so the previous output stands.
    /// </summary>
    private async Task<JobInfo> EndIfAbandonedAsync(JobInfo job, CancellationToken cancellationToken)
    {
        if (job is not { State: JobState.Starting or JobState.Running, Owner: { } owner })
        {
            return job;
        }

        string reason;
        if (owner.IsLocal)
        {
            if (owner.IsRunning())
            {
                return job;
            }

            reason = $"its process ({owner.ProcessId} on {owner.Host}) ended without finishing it (killed, or crashed); the previous output is unchanged";
        }
        else if (DateTimeOffset.UtcNow - (job.Heartbeat ?? job.Started) > HeartbeatTimeout)
        {
            reason = $"its process ({owner.ProcessId} on {owner.Host}) has given no sign of life since {job.Heartbeat ?? job.Started:u}; the previous output is unchanged";
        }
        else
        {
            return job;
        }

        var ended = job with { State = JobState.Killed, Finished = DateTimeOffset.UtcNow, Reason = reason };
        await SaveAsync(ended, cancellationToken);
        if (scratchRoot is not null && owner.IsLocal)
        {
            RemoveScratch(job.Id);
        }

        return ended;
    }

    /// <summary>Removes the scratch folders of jobs that are not running (left by owners that died), and returns how many.</summary>
    public async Task<int> RemoveStaleScratchAsync(CancellationToken cancellationToken)
    {
        if (scratchRoot is null || !Directory.Exists(scratchRoot))
        {
            return 0;
        }

        // Folders first: a job's record says "running" before its folder is made, so a job whose folder is listed
        // here and that still runs is in the records read next.
        var folders = Directory.GetDirectories(scratchRoot);
        var running = (await ListAsync(null, cancellationToken)).Where(j => j.State is JobState.Starting or JobState.Running).Select(j => j.Id).ToHashSet(StringComparer.Ordinal);
        var removed = 0;
        foreach (var folder in folders)
        {
            if (!running.Contains(Path.GetFileName(folder)) && RemoveScratch(Path.GetFileName(folder)))
            {
                removed++;
            }
        }

        return removed;
    }

    private bool RemoveScratch(string jobId)
    {
        try
        {
            Directory.Delete(Path.Combine(scratchRoot!, jobId), recursive: true);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false; // gone already, or still in use: the next gc tries again
        }
    }
}
