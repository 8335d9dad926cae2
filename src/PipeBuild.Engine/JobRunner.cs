using System.Collections.Concurrent;
using System.Diagnostics;
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
    private readonly TimeProvider time = timeProvider ?? TimeProvider.System;
    private readonly JobStore jobs = new(store.Objects);

    private IObjectStore Objects => store.Objects;

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
        };

        var (commits, inputs) = await ReadInputsAsync(pipeline, cancellationToken);
        job = job with { Inputs = inputs, State = JobState.Running };
        await jobs.SaveAsync(job, cancellationToken);

        using var killed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var watcher = jobs.WatchForKillAsync(job, killed);
        try
        {
            return await RunDatumsAsync(pipeline, job, commits, progress, killed.Token);
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

    /// <summary>The head commit of every input branch (skipping empty ones), and the provenance they carry.</summary>
    public async Task<(Dictionary<string, CommitInfo> Commits, IReadOnlyList<CommitProvenance> Provenance)> ReadInputsAsync(PipelineDocument pipeline, CancellationToken cancellationToken)
    {
        var commits = new Dictionary<string, CommitInfo>(StringComparer.Ordinal);
        var provenance = new List<CommitProvenance>();
        foreach (var leaf in pipeline.Spec.Input.Leaves())
        {
            var branch = await store.TryGetBranchAsync(leaf.Repo, leaf.Branch, cancellationToken);
            if (branch?.Head is not { } head)
            {
                continue;
            }

            var commit = await store.GetCommitAsync(leaf.Repo, head, cancellationToken);
            commits[leaf.InputName] = commit;
            provenance.Add(new CommitProvenance(leaf.Repo, leaf.Branch, commit.Id));
            provenance.AddRange(commit.Provenance);
        }

        return (commits, [.. provenance.Distinct()]);
    }

    private async Task<JobInfo> RunDatumsAsync(
        PipelineDocument pipeline, JobInfo job, Dictionary<string, CommitInfo> commits, IProgress<JobProgress>? progress, CancellationToken cancellationToken)
    {
        var spec = pipeline.Spec;
        var datums = await new DatumPlanner(store).PlanAsync(spec.Input, commits, cancellationToken);
        var identity = job.TransformHash!;
        var results = new DatumResult?[datums.Count];
        var states = new string[datums.Count];
        var hashes = new string[datums.Count];
        var logs = new string?[datums.Count];
        for (var i = 0; i < datums.Count; i++)
        {
            hashes[i] = TransformIdentity.DatumHash(identity, datums[i]);
            if (await Objects.TryReadAsync(EngineKeys.Result(hashes[i]), cancellationToken) is { } stored)
            {
                results[i] = EngineJson.Deserialize<DatumResult>(stored);
                states[i] = "skipped";
                logs[i] = results[i]!.LogHash;
            }
        }

        int processed = 0, skipped = results.Count(r => r is not null), failed = 0;
        long downloaded = 0, uploaded = 0;
        var failures = new ConcurrentBag<DatumFailure>();
        void Report() => progress?.Report(new JobProgress(spec.Name, job.Id, datums.Count, processed, skipped, failed));
        Report();

        var parallelism = spec.Parallelism > 0 ? spec.Parallelism : Environment.ProcessorCount;
        await Parallel.ForEachAsync(
            Enumerable.Range(0, datums.Count).Where(i => results[i] is null),
            new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                var (outcome, logHash, seconds) = await RunWithRetriesAsync(spec, datums[i], job.Id, ct);
                logs[i] = logHash;
                Interlocked.Add(ref downloaded, outcome.BytesRead);
                if (outcome.Succeeded)
                {
                    var result = new DatumResult(outcome.Outputs, logHash, seconds);
                    await Objects.PutIfAbsentAsync(EngineKeys.Result(hashes[i]), EngineJson.Serialize(result), ct);
                    results[i] = result;
                    states[i] = "success";
                    Interlocked.Add(ref uploaded, outcome.BytesWritten);
                    Interlocked.Increment(ref processed);
                }
                else
                {
                    states[i] = "failed";
                    failures.Add(new DatumFailure(datums[i].Id, datums[i].Describe(), outcome.Reason ?? "failed", logHash));
                    Interlocked.Increment(ref failed);
                }

                Report();
            });

        job = job with
        {
            DatumsTotal = datums.Count,
            DatumsProcessed = processed,
            DatumsSkipped = skipped,
            DatumsFailed = failed,
            BytesDownloaded = downloaded,
            BytesUploaded = uploaded,
            Failures = [.. failures.OrderBy(f => f.Description, StringComparer.Ordinal)],
            Datums = [.. datums.Select((d, i) => new JobDatum(d.Id, d.Describe(), hashes[i], states[i], logs[i]))],
        };

        if (failed > 0)
        {
            return await FinishAsync(job, JobState.Failure, $"{failed} of {datums.Count} datum(s) failed; the previous output is unchanged. 'dotnet pipe job logs {job.Id}' shows why.", null);
        }

        var collision = FindCollision(datums, results!);
        if (collision is not null)
        {
            return await FinishAsync(job, JobState.Failure, collision, null);
        }

        var commit = await store.WriteAsync(
            new CommitRef(spec.Name, spec.OutputBranch, [], null),
            $"output of job {job.Id}",
            async (editor, ct) =>
            {
                await editor.DeleteAsync(RepoPath.Root, ct);
                foreach (var output in results.SelectMany(r => r!.Outputs))
                {
                    await editor.SetFileAsync(output.Path, output.Content, ct);
                }
            },
            cancellationToken,
            new CommitOrigin($"pipeline:{spec.Name}", job.Inputs));
        return await FinishAsync(job, JobState.Success, null, commit.Id);
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

    private static string? FindCollision(IReadOnlyList<Datum> datums, DatumResult[] results)
    {
        var owners = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < datums.Count; i++)
        {
            foreach (var output in results[i].Outputs)
            {
                if (owners.TryGetValue(output.Path, out var other))
                {
                    return $"error {ErrorCodes.OutputCollision}: datums ({datums[other].Describe()}) and ({datums[i].Describe()}) both wrote /{output.Path}; make output names unique per datum (for example with $PIPE_DATUM_ID or the input file's name).";
                }

                owners[output.Path] = i;
            }
        }

        return null;
    }

    private async Task<JobInfo> FinishAsync(JobInfo job, JobState state, string? reason, string? outputCommit)
    {
        job = job with { State = state, Reason = reason, OutputCommit = outputCommit, Finished = time.GetUtcNow() };
        await jobs.SaveAsync(job, CancellationToken.None);
        return job;
    }
}
