using PipeBuild.Store;

namespace PipeBuild.Engine;

/// <summary>
/// Which process is bringing a pipeline up to date (<see cref="EngineKeys.Claim"/>), so that concurrent <c>run</c>s of
/// one workspace share the job instead of each running every datum and publishing an output commit: the first takes
/// the claim by compare-and-swap, the others follow its job and then look again (docs/architecture.md). A claim whose
/// owner is gone (its process ended on this machine, or its job stopped beating elsewhere) is removed by whoever
/// meets it.
/// </summary>
internal sealed class PipelineClaim : IAsyncDisposable
{
    private readonly IObjectStore objects;
    private readonly string key;
    private string version;
    private DateTimeOffset claimed;

    private PipelineClaim(IObjectStore objects, string key, string version, DateTimeOffset claimed) =>
        (this.objects, this.key, this.version, this.claimed) = (objects, key, version, claimed);

    /// <summary>The claim, or null when another live process holds it.</summary>
    public static async Task<PipelineClaim?> TryTakeAsync(IObjectStore objects, JobStore jobs, string pipeline, CancellationToken cancellationToken)
    {
        var key = EngineKeys.Claim(pipeline);
        for (var attempt = 0; attempt < 20; attempt++)
        {
            var mine = new ClaimDocument(JobOwner.Current, DateTimeOffset.UtcNow);
            if (await objects.TryWriteDocumentAsync(key, EngineJson.Serialize(mine), null, cancellationToken) is { } version)
            {
                return new PipelineClaim(objects, key, version, mine.Claimed);
            }

            if (await objects.ReadDocumentAsync(key, cancellationToken) is not { } held)
            {
                continue; // released meanwhile
            }

            var holder = EngineJson.Deserialize<ClaimDocument>(held.Content);
            if (IsLive(holder, await RunningJobOfAsync(holder, jobs, pipeline, cancellationToken)))
            {
                return null;
            }

            await objects.TryDeleteDocumentAsync(key, held.Version, cancellationToken); // its owner is gone: take it over
        }

        return null;
    }

    /// <summary>
    /// Waits until the claim on <paramref name="pipeline"/> is released or its owner is gone, reporting the holder's job
    /// as it runs; returns that job as it ended, or null when none was seen.
    /// </summary>
    public static async Task<JobInfo?> FollowAsync(IObjectStore objects, JobStore jobs, string pipeline, IProgress<JobProgress>? progress, CancellationToken cancellationToken)
    {
        JobInfo? followed = null;
        while (await objects.ReadDocumentAsync(EngineKeys.Claim(pipeline), cancellationToken) is { } held)
        {
            var holder = EngineJson.Deserialize<ClaimDocument>(held.Content);
            var running = await RunningJobOfAsync(holder, jobs, pipeline, cancellationToken);
            if (!IsLive(holder, running))
            {
                break; // the next TryTakeAsync removes it
            }

            if (running is { } job)
            {
                followed = job;
                if (job.DatumsTotal > 0)
                {
                    progress?.Report(new JobProgress(job.Pipeline, job.Id, job.DatumsTotal, job.DatumsProcessed, job.DatumsSkipped, job.DatumsFailed));
                }
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
        }

        return followed is null ? null : await jobs.GetAsync(followed.Id, cancellationToken);
    }

    /// <summary>
    /// Renews a claim held with no job (a spout's or service's process) once <paramref name="every"/> (by default
    /// <see cref="JobStore.HeartbeatInterval"/>) has passed since it was taken or last renewed, so that a process on
    /// another machine sharing the store sees it live; false when it was taken over meanwhile (this process had looked
    /// gone), and the work it covers must stop.
    /// </summary>
    public async Task<bool> RenewAsync(CancellationToken cancellationToken, TimeSpan? every = null)
    {
        var now = DateTimeOffset.UtcNow;
        if (now - claimed < (every ?? JobStore.HeartbeatInterval))
        {
            return true;
        }

        if (await objects.TryWriteDocumentAsync(key, EngineJson.Serialize(new ClaimDocument(JobOwner.Current, now)), version, cancellationToken) is not { } renewed)
        {
            return false;
        }

        (version, claimed) = (renewed, now);
        return true;
    }

    public async ValueTask DisposeAsync() => await objects.TryDeleteDocumentAsync(key, version, CancellationToken.None);

    private static async Task<JobInfo?> RunningJobOfAsync(ClaimDocument holder, JobStore jobs, string pipeline, CancellationToken cancellationToken) =>
        (await jobs.ListAsync(pipeline, cancellationToken)).FirstOrDefault(j => j.State is JobState.Starting or JobState.Running && j.Owner == holder.Owner);

    /// <summary>
    /// A holder on this machine is live while its process runs; one elsewhere while its job (<paramref name="running"/>)
    /// beats, or, before its job is recorded, for as long as a heartbeat may take.
    /// </summary>
    private static bool IsLive(ClaimDocument holder, JobInfo? running) =>
        holder.Owner.IsLocal ? holder.Owner.IsRunning() : running is not null || DateTimeOffset.UtcNow - holder.Claimed < JobStore.HeartbeatTimeout;
}

/// <summary>The content of <see cref="EngineKeys.Claim"/>: the process that holds it, and since when.</summary>
public sealed record ClaimDocument(JobOwner Owner, DateTimeOffset Claimed);
