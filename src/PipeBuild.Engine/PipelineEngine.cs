using System.Runtime.CompilerServices;
using PipeBuild.Core;
using PipeBuild.Core.Pipelines;
using PipeBuild.Store;

namespace PipeBuild.Engine;

/// <summary>
/// Brings pipelines up to date in dependency order, like a build: a pipeline whose definition and input
/// commits match its last successful job is skipped without planning; the others run a job, which itself
/// reruns only datums without a stored result. A failed pipeline stops everything downstream of it.
/// </summary>
public sealed class PipelineEngine(VersionStore store, Func<string, IDatumExecutor> executorFor, string scratchRoot)
{
    public PipelineRegistry Registry { get; } = new(store);

    /// <summary>The clock of cron inputs (<see cref="CronTicks"/>).</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Where egress URLs lead (<see cref="JobRunner.EgressTargets"/>).</summary>
    public Func<EgressUrl, IEgressTarget>? EgressTargets { get; init; }

    /// <summary>The workspace's secrets (<see cref="JobRunner.Secrets"/>).</summary>
    public SecretStore? Secrets { get; init; }

    public JobStore Jobs { get; } = new(store.Objects, scratchRoot);

    internal VersionStore Store => store;

    /// <summary>Runs <paramref name="names"/> (all pipelines when empty) and what they depend on, in order.</summary>
    public async Task<IReadOnlyList<JobInfo>> RunAsync(IReadOnlyCollection<string> names, bool force, IProgress<JobProgress>? progress, CancellationToken cancellationToken)
    {
        var all = await Registry.ListAsync(cancellationToken);
        foreach (var name in names.Where(n => all.All(p => p.Name != n)))
        {
            throw new PipeException(ErrorCodes.PipelineNotFound, $"pipeline '{name}' not found. 'dotnet pipe pipeline list' shows the pipelines.");
        }

        var wanted = names.Count == 0 ? all : WithUpstream(all, names);
        return await RunInOrderAsync(PipelineGraph.Order(wanted), force, progress, cancellationToken);
    }

    /// <summary>Runs every pipeline downstream of <paramref name="repos"/> (after writes to them) but those writing them.</summary>
    public async Task<IReadOnlyList<JobInfo>> RunDownstreamAsync(IReadOnlyCollection<string> repos, IProgress<JobProgress>? progress, CancellationToken cancellationToken) =>
        await RunInOrderAsync(PipelineGraph.Downstream(await Registry.ListAsync(cancellationToken), repos), force: false, progress, cancellationToken);

    /// <summary>What the engine keeps outside branches, for <c>gc</c> to spare (<see cref="ContentRootsAsync"/>, <see cref="CommitRootsAsync"/>).</summary>
    public GcRoots GcRoots(CancellationToken cancellationToken) => new(ContentRootsAsync(cancellationToken), CommitRootsAsync(cancellationToken));

    /// <summary>
    /// The content the engine keeps outside commits: every stored result's outputs and log, and every job's datum
    /// table and the logs it names. (An output of a datum whose job failed is in no commit, yet a later job reuses it.)
    /// </summary>
    private async IAsyncEnumerable<FileContent> ContentRootsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var key in store.Objects.ListAsync(EngineKeys.ResultsPrefix, cancellationToken))
        {
            if (await store.Objects.TryReadAsync(key, cancellationToken) is not { } data)
            {
                continue;
            }

            var result = EngineJson.Deserialize<DatumResult>(data);
            foreach (var output in result.Outputs)
            {
                yield return output.Content;
            }

            if (result.LogHash is { } log)
            {
                yield return Log(log);
            }
        }

        foreach (var job in await Jobs.ListAsync(null, cancellationToken))
        {
            foreach (var table in job.DatumTable is { } t ? await DatumTable.ObjectsAsync(store.Content, t, cancellationToken) : [])
            {
                yield return table;
            }

            foreach (var log in job.Failures.Select(f => f.LogHash).Concat((await Jobs.GetDatumKeysAsync(job, cancellationToken)).Select(d => d.Log?.ToString())).OfType<string>())
            {
                yield return Log(log);
            }
        }

        static FileContent Log(string hash) => new(EntryKind.File, hash, 0);
    }

    /// <summary>The commits job records name, read or written: <c>job inspect</c>, lineage and the staleness chain follow them after a branch moved on.</summary>
    private async IAsyncEnumerable<RepoCommit> CommitRootsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var job in await Jobs.ListAsync(null, cancellationToken))
        {
            foreach (var input in job.Inputs)
            {
                yield return new RepoCommit(input.Repo, input.Commit);
            }

            if (job.OutputCommit is { } output)
            {
                yield return new RepoCommit(job.Pipeline, output);
            }
        }
    }

    /// <summary>
    /// Says, per pipeline in run order, whether <c>run</c> would start a job of it and why (<see cref="StalenessChain"/>),
    /// with what the job would do with the datums, without running anything. <paramref name="pending"/> are definitions
    /// not registered yet, judged as <c>run</c> would once it has registered them.
    /// </summary>
    public async Task<IReadOnlyList<PipelineStatus>> StatusAsync(IReadOnlyList<PipelineDocument> pending, CancellationToken cancellationToken)
    {
        var byName = (await Registry.ListAsync(cancellationToken)).ToDictionary(p => p.Name, StringComparer.Ordinal);
        foreach (var document in pending)
        {
            byName[document.Name] = document;
        }

        var statuses = new List<PipelineStatus>();
        var running = new HashSet<string>(StringComparer.Ordinal);
        foreach (var pipeline in PipelineGraph.Order([.. byName.Values]))
        {
            PipelineStatus status;
            try
            {
                status = await Staleness.CheckAsync(pipeline, await IdentityAsync(pipeline, cancellationToken), running, countDatums: true, cancellationToken);
            }
            catch (PipeException e) when (e.Code is ErrorCodes.SecretNotFound or ErrorCodes.InvalidSecret)
            {
                status = new PipelineStatus(pipeline.Name, StalenessStep.SecretMissing, $"cannot run ({e.Code}): {e.Message}");
            }

            if (status.WillRun)
            {
                running.Add(pipeline.Name);
            }

            statuses.Add(status);
        }

        return statuses;
    }

    /// <summary>Every registered pipeline's status, in run order.</summary>
    public Task<IReadOnlyList<PipelineStatus>> StatusAsync(CancellationToken cancellationToken) => StatusAsync([], cancellationToken);

    /// <summary>One pipeline's status (<see cref="StatusAsync(IReadOnlyList{PipelineDocument}, CancellationToken)"/>), upstream pipelines considered.</summary>
    public async Task<PipelineStatus> StatusAsync(PipelineDocument pipeline, CancellationToken cancellationToken) =>
        (await StatusAsync([pipeline], cancellationToken)).Single(s => s.Pipeline == pipeline.Name);

    private StalenessChain Staleness => new(store, Jobs, new CronTicks(store, Time), Time);

    private StalenessChain RunStaleness => new(store, Jobs, new CronTicks(store, Time), Time) { PredictClock = false };

    private async Task<string> IdentityAsync(PipelineDocument pipeline, CancellationToken cancellationToken)
    {
        await using var executor = executorFor(pipeline.Spec.Executor);
        return await new JobRunner(store, executor, scratchRoot) { Secrets = Secrets }.IdentityAsync(pipeline, cancellationToken);
    }

    private async Task<IReadOnlyList<JobInfo>> RunInOrderAsync(IReadOnlyList<PipelineDocument> pipelines, bool force, IProgress<JobProgress>? progress, CancellationToken cancellationToken)
    {
        var jobs = new List<JobInfo>();
        var failed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var pipeline in pipelines)
        {
            if (pipeline.InputRepos.Any(failed.Contains))
            {
                failed.Add(pipeline.Name); // its input is stale: do not build on a failed upstream
                continue;
            }

            if (pipeline.Stopped || pipeline.Spec.LongRunning)
            {
                continue; // no job, and no tick or trigger on its behalf (a stopped pipeline's cron does not tick)
            }

            // Ticks due on its cron inputs are new input commits, committed before the chain looks.
            await new CronTicks(store, Time).CommitDueAsync(pipeline.Spec, cancellationToken);

            // A triggered input branch moves when its condition holds by now: a cron condition may come due with no commit.
            foreach (var (repo, branch) in pipeline.Spec.Input.Leaves().Select(l => (l.Repo, l.Branch)).Distinct())
            {
                await store.FireTriggerAsync(repo, branch, Time.GetUtcNow(), cancellationToken);
            }

            // Another run of this workspace may be bringing the pipeline up to date now: follow its job, then look
            // again (its inputs may have moved on meanwhile), so that every datum runs once.
            for (var followed = false; ;)
            {
                // Upstream jobs of this pass have already written their output: the chain sees their commits as they are,
                // and ticks and triggers as they were just committed (one due since starts no job on unchanged inputs).
                var status = await RunStaleness.CheckAsync(pipeline, await IdentityAsync(pipeline, cancellationToken), new HashSet<string>(), countDatums: false, cancellationToken);
                if (!status.Runnable || (followed ? force || !status.WillRun : !force && !status.WillRun))
                {
                    break;
                }

                var claim = await PipelineClaim.TryTakeAsync(store.Objects, Jobs, pipeline.Name, cancellationToken);
                if (claim is null)
                {
                    followed = true;
                    if (await PipelineClaim.FollowAsync(store.Objects, Jobs, pipeline.Name, progress, cancellationToken) is { } other)
                    {
                        jobs.Add(other);
                        if (other.State != JobState.Success)
                        {
                            failed.Add(pipeline.Name); // as if this run had run it: not run again
                            break;
                        }
                    }

                    continue;
                }

                await using (claim)
                {
                    // Judged before the claim was ours: a run that held it until just now (a watch beside a spout's puts)
                    // may have brought the pipeline up to date, and a second job would publish the same output again.
                    if (!force && !(await RunStaleness.CheckAsync(pipeline, await IdentityAsync(pipeline, cancellationToken), new HashSet<string>(), countDatums: false, cancellationToken)).WillRun)
                    {
                        break;
                    }

                    // The engine owns every executor it asks for and disposes it after use: an executor with remote
                    // workers closes the run and lets them go.
                    await using (var executor = executorFor(pipeline.Spec.Executor))
                    {
                        jobs.Add(await new JobRunner(store, executor, scratchRoot) { EgressTargets = EgressTargets, Secrets = Secrets }.RunAsync(pipeline, progress, cancellationToken));
                    }

                    RemoveEmptyScratch(jobs[^1].Id);
                    if (jobs[^1].State != JobState.Success)
                    {
                        failed.Add(pipeline.Name);
                    }
                }

                break;
            }
        }

        return jobs;
    }

    /// <summary>
    /// Removes a job's scratch folder once its executor is gone and it is empty (each datum's sandbox goes with the
    /// datum): one empty folder a job piled up. One that is not empty is left to gc's sweep of stale scratch.
    /// </summary>
    private void RemoveEmptyScratch(string jobId)
    {
        try
        {
            Directory.Delete(Path.Combine(scratchRoot, jobId));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // not there (no datum ran) or not empty
        }
    }

    private static List<PipelineDocument> WithUpstream(IReadOnlyList<PipelineDocument> all, IReadOnlyCollection<string> names)
    {
        var byName = all.ToDictionary(p => p.Name, StringComparer.Ordinal);
        var wanted = new Dictionary<string, PipelineDocument>(StringComparer.Ordinal);
        var frontier = new Queue<string>(names);
        while (frontier.TryDequeue(out var name))
        {
            if (byName.TryGetValue(name, out var pipeline) && wanted.TryAdd(name, pipeline))
            {
                foreach (var input in pipeline.InputRepos)
                {
                    frontier.Enqueue(input);
                }
            }
        }

        return [.. wanted.Values];
    }
}
