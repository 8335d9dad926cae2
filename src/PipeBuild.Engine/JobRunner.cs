using System.Collections.Concurrent;
using System.Security.Cryptography;
using PipeBuild.Core;
using PipeBuild.Core.Pipelines;
using PipeBuild.Store;

namespace PipeBuild.Engine;

/// <summary>
/// Runs one job of a pipeline: reads the input branches' heads, plans datums (<see cref="JobPlanner"/>), reuses
/// every datum whose hash already has a result, runs the rest on the executor (<see cref="DatumAttempts"/>), and
/// publishes one output commit with provenance (<see cref="OutputBuilder"/>). A failed job publishes nothing and
/// leaves the previous output in place.
/// </summary>
public sealed class JobRunner(VersionStore store, IDatumExecutor executor, string scratchRoot, TimeProvider? timeProvider = null)
{
    /// <summary>The longest wait Task.Delay takes (uint.MaxValue - 1 ms, 49.7 days).</summary>
    private static readonly TimeSpan MaxDelay = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    private readonly TimeProvider time = timeProvider ?? TimeProvider.System;
    private readonly JobStore jobs = new(store.Objects);
    private readonly DatumAttempts attempts = new(executor, store.Content, scratchRoot);

    private JobPlanner Planner => new(store, jobs);

    private IObjectStore Objects => store.Objects;

    /// <summary>
    /// How many datum results a job keeps in memory once it has run or read them; writing the output reads the
    /// others back from the results index, a few thousand at a time. A job of a million datums must fit in 1 GiB (docs/benchmarks.md).
    /// </summary>
    public int KeptResults { get; init; } = 1 << 16;

    /// <summary>Where egress URLs lead (a folder, an S3 prefix); null: a pipeline with an egress fails its jobs, saying so.</summary>
    public Func<EgressUrl, IEgressTarget>? EgressTargets { get; init; }

    /// <summary>
    /// The workspace's secrets: a keyed hash of the values a pipeline's secrets give its transform is part of its
    /// identity. Null: a pipeline with secrets cannot run here (PIPE4012), before anything is stored.
    /// </summary>
    public SecretStore? Secrets { get; init; }

    /// <summary>The identity datum results are stored under, with what the executor adds (an image digest) and the secrets' values' keyed hash.</summary>
    public async Task<string> IdentityAsync(PipelineDocument pipeline, CancellationToken cancellationToken)
    {
        var spec = pipeline.Spec;
        var added = await executor.ResolveIdentityAsync(spec, cancellationToken);
        if (spec.Secrets.Count > 0)
        {
            var secrets = SecretStore.Required(Secrets, spec);
            added = $"{added}\nsecrets {secrets.IdentityOf(spec)}";
        }

        return pipeline.EffectiveIdentity(added);
    }

    public async Task<JobInfo> RunAsync(PipelineDocument pipeline, IProgress<JobProgress>? progress, CancellationToken cancellationToken)
    {
        var spec = pipeline.Spec;
        var job = new JobInfo
        {
            Id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
            Pipeline = spec.Name,
            State = JobState.Starting,
            Started = time.GetUtcNow(),
            Owner = JobOwner.Current,
            Heartbeat = time.GetUtcNow(),
            TransformHash = await IdentityAsync(pipeline, cancellationToken),
            InputHash = InputIdentity(pipeline.Spec.Input),
        };

        var (commits, inputs) = await ReadInputsAsync(pipeline, cancellationToken);
        job = job with { Inputs = inputs, State = JobState.Running };
        await jobs.SaveAsync(job, cancellationToken);

        using var killed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var live = new LatestProgress(progress);
        var finished = new FinishedDatums.Recorder();
        var watcher = jobs.WatchAsync(job, killed, () => live.Latest, finished);
        var timer = pipeline.Spec.JobTimeout is { } timeout ? TimeOutAsync(job, timeout, killed) : Task.CompletedTask;
        try
        {
            return await RunDatumsAsync(pipeline, job, commits, null, live, finished, killed.Token);
        }
        catch (PipeException e)
        {
            // Killed meanwhile, the error being what the kill caused (its workers stopped with it): it ended killed.
            if (await EndKilledAsync(pipeline.Spec, job) is { } killedJob)
            {
                return killedJob;
            }

            await jobs.SaveAsync(job with { State = JobState.Failure, Finished = time.GetUtcNow(), Reason = e.ToString() }, CancellationToken.None);
            throw;
        }
        catch (OperationCanceledException) when (killed.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            if (await EndKilledAsync(pipeline.Spec, job) is { } killedJob)
            {
                return killedJob;
            }

            throw;
        }
        catch (OperationCanceledException)
        {
            var (left, commit) = await LeftOutputAsync(pipeline.Spec, job);
            await jobs.SaveAsync(job with { State = JobState.Killed, Finished = time.GetUtcNow(), Reason = $"cancelled; {left}", OutputCommit = commit }, CancellationToken.None);
            throw;
        }
        finally
        {
            await killed.CancelAsync();
            await watcher;
            await timer;
        }
    }

    /// <summary>
    /// Kills <paramref name="job"/> once it has run <paramref name="timeout"/> (Pachyderm's <c>job_timeout</c>) as
    /// <c>job kill</c> would: its record says why, and the run ends it killed for that reason.
    /// </summary>
    private async Task TimeOutAsync(JobInfo job, TimeSpan timeout, CancellationTokenSource killed)
    {
        try
        {
            // A limit longer than Task.Delay takes waits in steps.
            var left = timeout;
            while (left > TimeSpan.Zero)
            {
                var step = left < MaxDelay ? left : MaxDelay;
                await Task.Delay(step, time, killed.Token);
                left -= step;
            }

            if (await jobs.TryKillAsync(job, $"the job timeout ({Durations.Format(timeout)}) was reached", killed.Token))
            {
                await killed.CancelAsync();
            }
        }
        catch (OperationCanceledException)
        {
            // the job ended first
        }
    }

    /// <summary>The hash of a pipeline's input definition (repos, branches, globs, keys): with the transform, what decides its datums.</summary>
    public static string InputIdentity(Core.Pipelines.PipelineInput input) => ContentHash.Of(EngineJson.Serialize(input));

    /// <summary>The head commit of every input branch (skipping empty ones), and the provenance they carry.</summary>
    public Task<JobInputs> ReadInputsAsync(PipelineDocument pipeline, CancellationToken cancellationToken) =>
        Planner.ReadInputsAsync(pipeline.Spec, cancellationToken);

    private async Task<JobInfo> RunDatumsAsync(
        PipelineDocument pipeline, JobInfo job, Dictionary<string, CommitInfo> commits, EarlierPass? earlier, IProgress<JobProgress>? progress, FinishedDatums.Recorder finished, CancellationToken cancellationToken)
    {
        var spec = pipeline.Spec;
        var executed = await ExecuteAsync(pipeline, job, commits, earlier, progress, finished, cancellationToken);
        job = executed.Job;
        if (job.DatumsFailed > 0)
        {
            return await FinishAsync(job, JobState.Failure, $"{job.DatumsFailed} of {job.DatumsTotal} datum(s) failed; the previous output is unchanged. 'dotnet pipe job logs {job.Id}' shows why.", null);
        }

        var output = new OutputBuilder(store, executed.Hashes, executed.Results, executed.Previous, job.DatumTable!.Value);
        CommitInfo? commit;
        try
        {
            commit = await store.TryWriteAsync(
                new CommitRef(spec.Name, spec.OutputBranch, [], null),
                OutputDescription(job),
                output.BuildAsync,
                cancellationToken,
                CommitOrigin.Pipeline(spec.Name, job.Inputs));
        }
        catch (OutputBuilder.CollisionException collision)
        {
            return await FinishAsync(job, JobState.Failure, collision.Message, null);
        }

        if (commit is null)
        {
            // Planned from changes, the output could not be finished. Replanning every datum finds every result
            // stored, this job's new ones included: nothing runs again.
            var (hashes, states) = (executed.Hashes, executed.States);
            var ran = Enumerable.Range(0, hashes.Length).Where(i => states[i] is DatumState.Success or DatumState.Recovered).ToDictionary(i => hashes[i], i => states[i]);
            return await RunDatumsAsync(pipeline, job, commits, new EarlierPass(ran, job.BytesDownloaded, job.BytesUploaded), progress, finished, cancellationToken);
        }

        return spec.Egress is { } egress
            ? await EgressAsync(job, egress, commit, cancellationToken)
            : await FinishAsync(job, JobState.Success, null, commit.Id);
    }

    /// <summary>
    /// Copies the output commit to the pipeline's egress URL: the changes since the commit the last successful job
    /// copied there (or everything), and since each commit whose copy there failed after it. A failure fails the job
    /// with the commit published; the next run or a restart (nothing runs again: every datum is reused) copies it.
    /// </summary>
    private async Task<JobInfo> EgressAsync(JobInfo job, EgressUrl url, CommitInfo output, CancellationToken cancellationToken)
    {
        var last = await jobs.LastSuccessAsync(job.Pipeline, cancellationToken);
        var previous = last is { Egress: { } pushed, OutputCommit: { } id } && pushed.Url == url.Text
            ? await store.GetCommitAsync(job.Pipeline, id, cancellationToken)
            : null;
        // Jobs since that published a commit and did not end well did so copying it here (their copy failed, was cut
        // short, or their process died during it): any file of their commits may be there.
        var failed = new List<CommitInfo>();
        foreach (var attempt in await jobs.ListAsync(job.Pipeline, cancellationToken))
        {
            if (attempt.Id == job.Id || attempt.State == JobState.Success || attempt.Started < (last?.Started ?? DateTimeOffset.MinValue))
            {
                continue;
            }

            if (attempt is { OutputCommit: { } commit } && (attempt.Egress is null || attempt.Egress.Url == url.Text))
            {
                try
                {
                    failed.Add(await store.GetCommitAsync(job.Pipeline, commit, cancellationToken));
                }
                catch (PipeException e) when (e.Code == ErrorCodes.CommitNotFound)
                {
                    // deleted since (commit delete): what it may have left there can no longer be told
                }
            }
        }

        // Recorded before the first write, so that a copy this process does not live to finish is put right too.
        var copying = job with { OutputCommit = output.Id, Egress = new EgressReport(url.Text, 0, 0) { Incomplete = true } };
        await jobs.SaveAsync(copying, cancellationToken);
        try
        {
            var targets = EgressTargets ?? throw new PipeException(ErrorCodes.EgressFailed, "this host was given no way to reach egress URLs.");
            var report = await new OutputEgress(store, targets).PushAsync(url, previous, failed, output, cancellationToken);
            return await FinishAsync(job with { Egress = report }, JobState.Success, null, output.Id);
        }
        catch (PipeException e) when (e.Code == ErrorCodes.EgressFailed)
        {
            return await FinishAsync(
                copying,
                JobState.Failure,
                $"{e.Code}: the output commit {output.Id} is published, but copying it to {url} failed: {e.Message} 'dotnet pipe job restart {job.Id}' copies it again.",
                output.Id);
        }
    }


    /// <summary>
    /// Plans the job's datums, runs those without a stored result and writes the datum table. The datums, the largest
    /// thing a job holds, are let go when this returns: the output is written from their hashes and results
    /// (docs/benchmarks.md, a million datums).
    /// </summary>
    private async Task<ExecutedDatums> ExecuteAsync(
        PipelineDocument pipeline, JobInfo job, Dictionary<string, CommitInfo> commits, EarlierPass? earlier, IProgress<JobProgress>? progress, FinishedDatums.Recorder finished, CancellationToken cancellationToken)
    {
        var spec = pipeline.Spec;
        var results = new ConcurrentDictionary<int, DatumResult>();
        var kept = 0;
        void Keep(int i, DatumResult result)
        {
            if (Interlocked.Increment(ref kept) <= KeptResults)
            {
                results[i] = result;
            }
        }

        var last = await jobs.LastSuccessAsync(spec.Name, cancellationToken);
        var plan = await Planner.PlanAsync(spec, last, job.TransformHash!, pipeline.KeptIdentity(job.TransformHash!, last), job.InputHash!, commits, earlier?.Ran, Keep, cancellationToken);
        await StoreKeptAsync(plan, cancellationToken);
        var (datums, hashes, states, logs) = (plan.Datums, plan.Hashes, plan.States, plan.Logs);
        int processed = states.Count(s => s is DatumState.Success or DatumState.Recovered), skipped = plan.Reused, failed = 0, recovered = states.Count(s => s == DatumState.Recovered);
        var total = plan.Total;
        long downloaded = earlier?.Downloaded ?? 0, uploaded = earlier?.Uploaded ?? 0;
        var failures = new ConcurrentBag<DatumFailure>();
        void Report() => progress?.Report(new JobProgress(spec.Name, job.Id, total, processed, skipped, failed));
        Report();

        var parallelism = spec.Parallelism > 0 ? spec.Parallelism : Environment.ProcessorCount;
        await Parallel.ForEachAsync(
            plan.ToRun,
            new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                var (outcome, wasRecovered, logHash, seconds) = await attempts.RunAsync(spec, datums[i], job.Id, ct);
                logs[i] = Digest.ParseOrNull(logHash);
                Interlocked.Add(ref downloaded, outcome.BytesRead);
                if (outcome.Succeeded || wasRecovered)
                {
                    // A recovered datum's result has no outputs: the output leaves it out, and later jobs reuse that.
                    var result = new DatumResult(outcome.Outputs, logHash, seconds) { Recovered = wasRecovered ? true : null };
                    await Objects.PutIfAbsentAsync(EngineKeys.Result(hashes[i].ToString()), EngineJson.Serialize(result), ct);
                    Keep(i, result);
                    states[i] = wasRecovered ? DatumState.Recovered : DatumState.Success;
                    Interlocked.Add(ref uploaded, wasRecovered ? 0 : outcome.BytesWritten);
                    Interlocked.Increment(ref processed);
                    if (wasRecovered)
                    {
                        Interlocked.Increment(ref recovered);
                    }
                }
                else
                {
                    states[i] = DatumState.Failed;
                    failures.Add(new DatumFailure(datums[i].Id, datums[i].Describe(), outcome.Reason ?? "failed", logHash));
                    Interlocked.Increment(ref failed);
                }

                finished.Add(new JobDatum(datums[i].Id, datums[i].Describe(), hashes[i].ToString(), states[i]!.Value, logHash));
                Report();
            });

        job = job with
        {
            DatumsTotal = total,
            DatumsProcessed = processed,
            DatumsSkipped = skipped,
            DatumsFailed = failed,
            DatumsRecovered = recovered == 0 ? null : recovered,
            BytesDownloaded = downloaded,
            BytesUploaded = uploaded,
            Failures = [.. failures.OrderBy(f => f.Description, StringComparer.Ordinal)],
            DatumTable = await DatumTable.WriteAsync(store.Content, datums.Count, i => new JobDatum(datums[i].Id, datums[i].Describe(), hashes[i].ToString(), states[i]!.Value, logs[i]?.ToString()), plan.Carried, cancellationToken),
        };

        return new ExecutedDatums(job, hashes, [.. states.Select(s => s!.Value)], results, plan.Previous);
    }

    /// <summary>
    /// A job killed from another shell or the console (its record says so) as it ends: not an error of this command, a
    /// job that ended so, for the reason its killer recorded. Null when the record does not say killed.
    /// </summary>
    private async Task<JobInfo?> EndKilledAsync(PipelineSpec spec, JobInfo job)
    {
        if (await jobs.GetAsync(job.Id, CancellationToken.None) is not { State: JobState.Killed } recorded)
        {
            return null;
        }

        var (left, commit) = await LeftOutputAsync(spec, job);
        var ended = job with { State = JobState.Killed, Finished = time.GetUtcNow(), Reason = $"{recorded.Reason ?? "killed"}; {left}", OutputCommit = commit };
        await jobs.SaveAsync(ended, CancellationToken.None);
        return ended;
    }

    /// <summary>
    /// What a job that ended early left of its output: nothing, or, stopped while copying it to its egress, its
    /// published output commit.
    /// </summary>
    private async Task<(string Reason, string? Commit)> LeftOutputAsync(PipelineSpec spec, JobInfo job)
    {
        if (spec.Egress is { } egress
            && (await store.TryGetBranchAsync(spec.Name, spec.OutputBranch, CancellationToken.None))?.Head is { } head
            && (await store.GetCommitAsync(spec.Name, head, CancellationToken.None)).Description == OutputDescription(job))
        {
            return ($"its output commit {head} is published, but copying it to {egress} was cut short: 'dotnet pipe job restart {job.Id}' copies it", head);
        }

        return ("the previous output is unchanged", null);
    }

    private static string OutputDescription(JobInfo job) => $"output of job {job.Id}";

    /// <summary>
    /// Stores each result taken over from the previous definition under the datum's own key as well, so the job's
    /// table, its output edits and later jobs see one identity (what planning from changes relies on).
    /// </summary>
    private Task StoreKeptAsync(JobPlan plan, CancellationToken cancellationToken) =>
        Parallel.ForEachAsync(
            Enumerable.Range(0, plan.Datums.Count).Where(i => plan.KeptFrom[i] is not null),
            new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                var stored = await Objects.TryReadAsync(EngineKeys.Result(plan.KeptFrom[i]!.Value.ToString()), ct)
                    ?? throw new PipeException(ErrorCodes.Corrupt, $"the result of datum hash {plan.KeptFrom[i]} went missing while the job ran; run 'dotnet pipe fsck'.");
                await Objects.PutIfAbsentAsync(EngineKeys.Result(plan.Hashes[i].ToString()), stored, ct);
            });

    /// <summary>Passes progress on and keeps the latest, which the job's record shows while it runs.</summary>
    private sealed class LatestProgress(IProgress<JobProgress>? inner) : IProgress<JobProgress>
    {
        public JobProgress? Latest { get; private set; }

        public void Report(JobProgress value)
        {
            Latest = value;
            inner?.Report(value);
        }
    }

    /// <summary>A job's datums once run, by plan index: result keys, states and the results kept in memory; the previous output.</summary>
    private sealed record ExecutedDatums(JobInfo Job, Digest[] Hashes, DatumState[] States, IReadOnlyDictionary<int, DatumResult> Results, PreviousOutput? Previous);

    /// <summary>What a job planned from changes did before it had to plan every datum: the datums it ran and the bytes they moved.</summary>
    private sealed record EarlierPass(IReadOnlyDictionary<Digest, DatumState> Ran, long Downloaded, long Uploaded);

    private async Task<JobInfo> FinishAsync(JobInfo job, JobState state, string? reason, string? outputCommit)
    {
        job = job with { State = state, Reason = reason, OutputCommit = outputCommit, Finished = time.GetUtcNow() };
        await jobs.SaveAsync(job, CancellationToken.None);
        return job;
    }
}
