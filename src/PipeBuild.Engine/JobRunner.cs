using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using PipeBuild.Core;
using PipeBuild.Store;

namespace PipeBuild.Engine;

/// <summary>
/// Runs one job of a pipeline: reads the input branches' heads, plans datums, reuses every datum whose hash
/// already has a result, runs the rest on the executor (retrying DatumTries times), and publishes one output
/// commit with provenance. A failed job publishes nothing and leaves the previous output in place.
/// </summary>
public sealed class JobRunner(VersionStore store, IDatumExecutor executor, string scratchRoot, TimeProvider? timeProvider = null)
{
    private const int ResultWindow = 4096;

    private readonly TimeProvider time = timeProvider ?? TimeProvider.System;
    private readonly JobStore jobs = new(store.Objects);

    private JobPlanner Planner => new(store, jobs);

    private IObjectStore Objects => store.Objects;

    private ContentStore Content => store.Content;

    /// <summary>
    /// How many datum results a job keeps in memory once it has run or read them; writing the output reads the
    /// others back from the results index, a few thousand at a time. A job of a million datums must fit in 1 GiB (docs/benchmarks.md).
    /// </summary>
    public int KeptResults { get; init; } = 1 << 16;

    /// <summary>The identity datum results are stored under, with what the executor adds (an image digest).</summary>
    public async Task<string> IdentityAsync(PipelineDocument pipeline, CancellationToken cancellationToken) =>
        pipeline.EffectiveIdentity(await executor.ResolveIdentityAsync(pipeline.Spec, cancellationToken));

    public async Task<JobInfo> RunAsync(PipelineDocument pipeline, IProgress<JobProgress>? progress, CancellationToken cancellationToken)
    {
        var spec = pipeline.Spec;
        var job = new JobInfo
        {
            Id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
            Pipeline = spec.Name,
            State = JobState.Starting,
            Started = time.GetUtcNow(),
            TransformHash = await IdentityAsync(pipeline, cancellationToken),
            InputHash = InputIdentity(pipeline.Spec.Input),
        };

        var (commits, inputs) = await ReadInputsAsync(pipeline, cancellationToken);
        job = job with { Inputs = inputs, State = JobState.Running };
        await jobs.SaveAsync(job, cancellationToken);

        using var killed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var watcher = jobs.WatchForKillAsync(job, killed);
        try
        {
            return await RunDatumsAsync(pipeline, job, commits, null, progress, killed.Token);
        }
        catch (PipeException e)
        {
            await jobs.SaveAsync(job with { State = JobState.Failure, Finished = time.GetUtcNow(), Reason = e.ToString() }, CancellationToken.None);
            throw;
        }
        catch (OperationCanceledException)
        {
            var state = cancellationToken.IsCancellationRequested ? "cancelled" : "killed";
            await jobs.SaveAsync(job with { State = JobState.Killed, Finished = time.GetUtcNow(), Reason = $"{state}; the previous output is unchanged" }, CancellationToken.None);
            throw;
        }
        finally
        {
            await killed.CancelAsync();
            await watcher;
        }
    }

    /// <summary>The hash of a pipeline's input definition (repos, branches, globs, keys): with the transform, what decides its datums.</summary>
    public static string InputIdentity(Core.Pipelines.PipelineInput input) => ContentHash.Of(EngineJson.Serialize(input));

    /// <summary>The head commit of every input branch (skipping empty ones), and the provenance they carry.</summary>
    public Task<JobInputs> ReadInputsAsync(PipelineDocument pipeline, CancellationToken cancellationToken) =>
        Planner.ReadInputsAsync(pipeline.Spec, cancellationToken);

    private async Task<JobInfo> RunDatumsAsync(
        PipelineDocument pipeline, JobInfo job, Dictionary<string, CommitInfo> commits, EarlierPass? earlier, IProgress<JobProgress>? progress, CancellationToken cancellationToken)
    {
        var spec = pipeline.Spec;
        var executed = await ExecuteAsync(pipeline, job, commits, earlier, progress, cancellationToken);
        job = executed.Job;
        if (job.DatumsFailed > 0)
        {
            return await FinishAsync(job, JobState.Failure, $"{job.DatumsFailed} of {job.DatumsTotal} datum(s) failed; the previous output is unchanged. 'dotnet pipe job logs {job.Id}' shows why.", null);
        }

        try
        {
            var commit = await store.WriteAsync(
                new CommitRef(spec.Name, spec.OutputBranch, [], null),
                $"output of job {job.Id}",
                (editor, ct) => new OutputBuilder(this, executed).BuildAsync(editor, ct),
                cancellationToken,
                new CommitOrigin($"pipeline:{spec.Name}", job.Inputs));
            return await FinishAsync(job, JobState.Success, null, commit.Id);
        }
        catch (OutputCollisionException collision)
        {
            return await FinishAsync(job, JobState.Failure, collision.Message, null);
        }
        catch (FullPlanNeededException) when (executed.Carried)
        {
            // Replanning every datum finds every result stored, this job's new ones included: nothing runs again.
            var (hashes, states) = (executed.Hashes, executed.States);
            var ran = Enumerable.Range(0, hashes.Length).Where(i => states[i] == DatumState.Success).Select(i => hashes[i]).ToHashSet();
            return await RunDatumsAsync(pipeline, job, commits, new EarlierPass(ran, job.BytesDownloaded, job.BytesUploaded), progress, cancellationToken);
        }
    }

    /// <summary>
    /// Plans the job's datums, runs those without a stored result and writes the datum table. The datums, the largest
    /// thing a job holds, are let go when this returns: the output is written from their hashes and results
    /// (docs/benchmarks.md, a million datums).
    /// </summary>
    private async Task<ExecutedDatums> ExecuteAsync(
        PipelineDocument pipeline, JobInfo job, Dictionary<string, CommitInfo> commits, EarlierPass? earlier, IProgress<JobProgress>? progress, CancellationToken cancellationToken)
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
        var plan = await Planner.PlanAsync(spec, last, job.TransformHash!, job.InputHash!, commits, fromChanges: earlier is null, Keep, cancellationToken);
        var (datums, hashes, states, logs) = (plan.Datums, plan.Hashes, plan.States, plan.Logs);
        for (var i = 0; earlier is not null && i < datums.Count; i++)
        {
            states[i] = earlier.Ran.Contains(hashes[i]) ? DatumState.Success : states[i];
        }

        int processed = states.Count(s => s == DatumState.Success), skipped = plan.Reused, failed = 0;
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
                var (outcome, logHash, seconds) = await RunWithRetriesAsync(spec, datums[i], job.Id, ct);
                logs[i] = Digest.ParseOrNull(logHash);
                Interlocked.Add(ref downloaded, outcome.BytesRead);
                if (outcome.Succeeded)
                {
                    var result = new DatumResult(outcome.Outputs, logHash, seconds);
                    await Objects.PutIfAbsentAsync(EngineKeys.Result(hashes[i].ToString()), EngineJson.Serialize(result), ct);
                    Keep(i, result);
                    states[i] = DatumState.Success;
                    Interlocked.Add(ref uploaded, outcome.BytesWritten);
                    Interlocked.Increment(ref processed);
                }
                else
                {
                    states[i] = DatumState.Failed;
                    failures.Add(new DatumFailure(datums[i].Id, datums[i].Describe(), outcome.Reason ?? "failed", logHash));
                    Interlocked.Increment(ref failed);
                }

                Report();
            });

        job = job with
        {
            DatumsTotal = total,
            DatumsProcessed = processed,
            DatumsSkipped = skipped,
            DatumsFailed = failed,
            BytesDownloaded = downloaded,
            BytesUploaded = uploaded,
            Failures = [.. failures.OrderBy(f => f.Description, StringComparer.Ordinal)],
            DatumTable = await DatumTable.WriteAsync(store.Content, datums.Count, i => new JobDatum(datums[i].Id, datums[i].Describe(), hashes[i].ToString(), states[i]!.Value, logs[i]?.ToString()), plan.Carried, cancellationToken),
        };

        return new ExecutedDatums(job, hashes, [.. states.Select(s => s!.Value)], results, plan.Previous, plan.Carried is not null);
    }

    private sealed class OutputCollisionException(string message) : Exception(message);

    /// <summary>
    /// A job's datums once run, by plan index: result keys, states and the results kept in memory; the previous
    /// output; whether rows were carried over from the last job's table (<see cref="JobPlanner.PlanAsync"/>).
    /// </summary>
    private sealed record ExecutedDatums(JobInfo Job, Digest[] Hashes, DatumState[] States, IReadOnlyDictionary<int, DatumResult> Results, PreviousOutput? Previous, bool Carried);

    /// <summary>What a job planned from changes did before it had to plan every datum: the datums it ran and the bytes they moved.</summary>
    private sealed record EarlierPass(IReadOnlySet<Digest> Ran, long Downloaded, long Uploaded);

    /// <summary>A job planned from changes cannot finish its output from the datums it planned; planning them all can.</summary>
    private sealed class FullPlanNeededException(string reason) : Exception(reason);

    /// <summary>
    /// Writes a successful job's output into the editor of the output branch: an edit of the previous output for
    /// the datums that came and went when that output is the base, else the whole output from every result.
    /// Two datums writing one path fail the job, naming both.
    /// </summary>
    private sealed class OutputBuilder(JobRunner runner, ExecutedDatums executed)
    {
        private readonly Digest[] hashes = executed.Hashes;
        private readonly IReadOnlyDictionary<int, DatumResult> results = executed.Results;
        private readonly PreviousOutput? previous = executed.Previous;

        public async Task BuildAsync(TreeEditor editor, CancellationToken cancellationToken)
        {
            if (previous is not null && editor.BaseTree == previous.Tree)
            {
                await EditAsync(editor, previous, cancellationToken);
                return;
            }

            // Someone else moved the output branch, or there is no previous output: start from nothing.
            if (previous is { Partial: true })
            {
                throw new FullPlanNeededException("the output branch moved after the job was planned");
            }

            await editor.DeleteAsync(RepoPath.Root, cancellationToken);
            await foreach (var (i, result) in ResultsAsync(Enumerable.Range(0, hashes.Length), cancellationToken))
            {
                foreach (var output in result.Outputs)
                {
                    // The output started empty: a file already there is an earlier datum's.
                    if (await editor.GetAsync(output.Path, cancellationToken) is { IsDirectory: false })
                    {
                        throw await CollisionAsync(await OwnerAsync(output.Path, i, cancellationToken), i, output.Path, cancellationToken);
                    }

                    await editor.SetFileAsync(output.Path, output.Content, cancellationToken);
                }
            }
        }

        private async Task EditAsync(TreeEditor editor, PreviousOutput previous, CancellationToken cancellationToken)
        {
            var current = hashes.ToHashSet();
            foreach (var gone in previous.Logs.Keys.Where(h => !current.Contains(h)))
            {
                var stored = await runner.Objects.TryReadAsync(EngineKeys.Result(gone.ToString()), cancellationToken) ?? throw MissingResult(gone);
                foreach (var output in EngineJson.Deserialize<DatumResult>(stored).Outputs)
                {
                    await editor.DeleteAsync(output.Path, cancellationToken);
                }
            }

            var added = new Dictionary<string, int>(StringComparer.Ordinal);
            var news = Enumerable.Range(0, hashes.Length).Where(i => !previous.Logs.ContainsKey(hashes[i]));
            await foreach (var (i, result) in ResultsAsync(news, cancellationToken))
            {
                foreach (var output in result.Outputs)
                {
                    if (!added.TryAdd(output.Path, i))
                    {
                        throw await CollisionAsync(added[output.Path], i, output.Path, cancellationToken);
                    }

                    if (await editor.GetAsync(output.Path, cancellationToken) is { IsDirectory: false })
                    {
                        if (previous.Partial)
                        {
                            throw new FullPlanNeededException("a kept datum's output is in the way, and the error names it");
                        }

                        throw await CollisionAsync(await OwnerAsync(output.Path, i, cancellationToken), i, output.Path, cancellationToken);
                    }

                    await editor.SetFileAsync(output.Path, output.Content, cancellationToken);
                }
            }
        }

        /// <summary>The other datum that wrote <paramref name="path"/> (only looked up to name it in the error).</summary>
        private async Task<int> OwnerAsync(string path, int other, CancellationToken cancellationToken)
        {
            await foreach (var (i, result) in ResultsAsync(Enumerable.Range(0, hashes.Length).Where(i => i != other), cancellationToken))
            {
                if (result.Outputs.Any(o => o.Path == path))
                {
                    return i;
                }
            }

            throw new InvalidOperationException($"/{path} is in the output, but no datum's result has it");
        }

        /// <summary>
        /// The results of <paramref name="indices"/>' datums, in that order: those the job kept, and the others read a
        /// window at a time and let go once used, so that the output of a million datums is built in little memory.
        /// </summary>
        private async IAsyncEnumerable<(int Index, DatumResult Result)> ResultsAsync(IEnumerable<int> indices, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            foreach (var window in indices.Chunk(ResultWindow))
            {
                var read = new ConcurrentDictionary<int, DatumResult>();
                await JobPlanner.ReadResultsAsync(runner.Objects, hashes, window.Where(i => !results.ContainsKey(i)), (i, result) => read[i] = result, cancellationToken);
                foreach (var i in window)
                {
                    yield return (i, results.GetValueOrDefault(i) ?? read.GetValueOrDefault(i) ?? throw MissingResult(hashes[i]));
                }
            }
        }

        private static PipeException MissingResult(Digest hash) =>
            new(ErrorCodes.Corrupt, $"the result of datum hash {hash} is missing from the results index; run 'dotnet pipe fsck', then 'dotnet pipe run --force'.");

        /// <summary>The error naming both datums, as the job's datum table describes them.</summary>
        private async Task<OutputCollisionException> CollisionAsync(int first, int second, string path, CancellationToken cancellationToken)
        {
            var rows = await DatumTable.ReadAsync(runner.Content, executed.Job.DatumTable!.Value, cancellationToken);
            string Describe(int i) => rows.First(row => row.Hash == hashes[i].ToString()).Description;
            return new($"error {ErrorCodes.OutputCollision}: datums ({Describe(first)}) and ({Describe(second)}) both wrote /{path}; make output names unique per datum (for example with $PIPE_DATUM_ID or the input file's name).");
        }
    }

    private async Task<(DatumOutcome Outcome, string? LogHash, double Seconds)> RunWithRetriesAsync(
        Core.Pipelines.PipelineSpec spec, Datum datum, string jobId, CancellationToken cancellationToken)
    {
        var log = new StringBuilder();
        var clock = Stopwatch.StartNew();
        DatumOutcome outcome = DatumOutcome.Failed("not run", "");
        var tries = Math.Max(1, spec.DatumTries);
        for (var attempt = 1; attempt <= tries; attempt++)
        {
            var scratch = Path.Combine(scratchRoot, jobId, $"{datum.Id[..16]}-{attempt}");
            try
            {
                outcome = await executor.RunAsync(new DatumWork(spec, datum, jobId, attempt, store.Content, scratch), cancellationToken);
            }
            finally
            {
                DatumSandbox.Delete(scratch);
            }

            log.Append(tries > 1 ? $"--- try {attempt} of {tries}: {(outcome.Succeeded ? "success" : outcome.Reason)} ---\n" : "").Append(outcome.Log);
            if (outcome.Succeeded)
            {
                break;
            }
        }

        var logHash = log.Length == 0 ? null : (await store.Content.WriteAsync(Encoding.UTF8.GetBytes(log.ToString()), cancellationToken)).Hash;
        return (outcome, logHash, clock.Elapsed.TotalSeconds);
    }

    private async Task<JobInfo> FinishAsync(JobInfo job, JobState state, string? reason, string? outputCommit)
    {
        job = job with { State = state, Reason = reason, OutputCommit = outputCommit, Finished = time.GetUtcNow() };
        await jobs.SaveAsync(job, CancellationToken.None);
        return job;
    }
}
