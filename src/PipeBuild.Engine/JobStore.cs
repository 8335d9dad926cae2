using System.Text;
using PipeBuild.Core;
using PipeBuild.Store;

namespace PipeBuild.Engine;

/// <summary>
/// Job records under <c>jobs/PIPELINE/ID</c>, and the id of each pipeline's last successful job under
/// <c>last-success/PIPELINE</c>, which every run reads: a pipeline that has run thousands of times (<c>watch</c>, CI)
/// would otherwise read thousands of records to find it.
/// </summary>
public sealed class JobStore(IObjectStore objects)
{
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
                jobs.Add(EngineJson.Deserialize<JobInfo>(data));
            }
        }

        return [.. jobs.OrderByDescending(j => j.Started)];
    }

    /// <summary>The job's datums (none for a job that stopped before its datums were recorded).</summary>
    public async Task<IReadOnlyList<JobDatum>> GetDatumsAsync(JobInfo job, CancellationToken cancellationToken) =>
        job.DatumTable is { } table ? await DatumTable.ReadAsync(new ContentStore(objects), table, cancellationToken) : [];

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
    public async Task<JobInfo> KillAsync(string id, CancellationToken cancellationToken)
    {
        var job = await GetAsync(id, cancellationToken);
        if (job.State is JobState.Starting or JobState.Running)
        {
            job = job with { State = JobState.Killed, Finished = DateTimeOffset.UtcNow, Reason = "killed by 'dotnet pipe job kill'" };
            await SaveAsync(job, cancellationToken);
        }

        return job;
    }

    /// <summary>Cancels <paramref name="cancel"/> when the job's record says it was killed.</summary>
    internal async Task WatchForKillAsync(JobInfo job, CancellationTokenSource cancel)
    {
        try
        {
            while (!cancel.IsCancellationRequested)
            {
                await Task.Delay(500, cancel.Token);
                if (await objects.TryReadAsync(EngineKeys.Job(job.Pipeline, job.Id), cancel.Token) is { } data
                    && EngineJson.Deserialize<JobInfo>(data).State == JobState.Killed)
                {
                    await cancel.CancelAsync();
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
