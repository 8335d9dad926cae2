using System.Runtime.CompilerServices;
using PipeBuild.Core;
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

    public JobStore Jobs { get; } = new(store.Objects);

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

    /// <summary>Runs every pipeline downstream of <paramref name="repo"/> (after a write to it).</summary>
    public async Task<IReadOnlyList<JobInfo>> RunDownstreamAsync(string repo, IProgress<JobProgress>? progress, CancellationToken cancellationToken) =>
        await RunInOrderAsync(PipelineGraph.Downstream(await Registry.ListAsync(cancellationToken), repo), force: false, progress, cancellationToken);

    /// <summary>
    /// The content the engine keeps outside commits, for <c>gc</c> to spare: every stored result's outputs and log,
    /// and every job's datum table and the logs it names. (An output of a datum whose job failed is in no commit,
    /// yet a later job reuses it.)
    /// </summary>
    public async IAsyncEnumerable<FileContent> ContentRootsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
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

    /// <summary>Says, per pipeline, whether it is up to date and why not, without running anything.</summary>
    public async Task<IReadOnlyList<PipelineStatus>> StatusAsync(CancellationToken cancellationToken)
    {
        var statuses = new List<PipelineStatus>();
        foreach (var pipeline in PipelineGraph.Order(await Registry.ListAsync(cancellationToken)))
        {
            statuses.Add(await StatusAsync(pipeline, cancellationToken));
        }

        return statuses;
    }

    public async Task<PipelineStatus> StatusAsync(PipelineDocument pipeline, CancellationToken cancellationToken)
    {
        await using var executor = executorFor(pipeline.Spec.Executor);
        var runner = new JobRunner(store, executor, scratchRoot);
        var (commits, inputs) = await runner.ReadInputsAsync(pipeline, cancellationToken);
        var last = await Jobs.LastSuccessAsync(pipeline.Name, cancellationToken);
        var identity = await runner.IdentityAsync(pipeline, cancellationToken);
        var reasons = new List<string>();
        if (last is null)
        {
            reasons.Add("never run successfully");
        }
        else
        {
            if (last.TransformHash != identity)
            {
                reasons.Add("definition changed (command, environment, image or its digest, or a TransformFile)");
            }

            if (last.InputHash != JobRunner.InputIdentity(pipeline.Spec.Input))
            {
                reasons.Add("input definition changed (repos, branches, globs or keys)");
            }

            foreach (var input in inputs.Except(last.Inputs))
            {
                reasons.Add($"input {input.Repo}@{input.Branch} is at {input.Commit}");
            }
        }

        // Like a job: from the changes since the last successful job's input when it can, else every datum.
        var changes = last is not null && last.TransformHash == identity && last.InputHash == JobRunner.InputIdentity(pipeline.Spec.Input)
            ? await runner.ChangesSinceAsync(pipeline.Spec.Input, last, commits, cancellationToken)
            : null;
        var datums = changes?.After ?? await new DatumPlanner(store).PlanAsync(pipeline.Spec.Input, commits, cancellationToken);
        var lastDatums = changes is not null ? [.. changes.Before.Select(d => new DatumKeys(Digest.Parse(d.Id), Digest.Parse(d.Hash(identity)), "success", null))]
            : last is null ? [] : await Jobs.GetDatumKeysAsync(last, cancellationToken);
        var total = changes is null ? datums.Count : last!.DatumsTotal - changes.Before.Count + changes.After.Count;
        var previous = lastDatums.Select(d => d.Id).ToHashSet();
        var done = lastDatums.Where(d => d.State != "failed").Select(d => d.Hash).ToHashSet();
        int added = 0, changed = 0;
        foreach (var datum in datums)
        {
            var hash = datum.Hash(identity);
            if (!done.Contains(Digest.Parse(hash)) && !await store.Objects.ExistsAsync(EngineKeys.Result(hash), cancellationToken))
            {
                if (previous.Contains(Digest.Parse(datum.Id)))
                {
                    changed++;
                }
                else
                {
                    added++;
                }
            }
        }

        var removed = previous.Except(datums.Select(d => Digest.Parse(d.Id))).Count();
        if (commits.Count == 0)
        {
            reasons.Clear();
            reasons.Add("waiting: no input branch has a commit yet");
            return new PipelineStatus(pipeline.Name, true, reasons, 0, 0, 0, 0);
        }

        if (added + changed + removed > 0)
        {
            reasons.Add($"{added} datum(s) new, {changed} changed, {removed} removed");
        }

        return new PipelineStatus(pipeline.Name, reasons.Count == 0, reasons, total, added, changed, removed);
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

            if (!force && await IsUpToDateAsync(pipeline, cancellationToken))
            {
                continue;
            }

            // The engine owns every executor it asks for and disposes it after use: an executor with remote
            // workers closes the run and lets them go.
            await using var executor = executorFor(pipeline.Spec.Executor);
            var runner = new JobRunner(store, executor, scratchRoot);
            if ((await runner.ReadInputsAsync(pipeline, cancellationToken)).Commits.Count == 0)
            {
                continue; // nothing to read yet
            }

            var job = await runner.RunAsync(pipeline, progress, cancellationToken);
            jobs.Add(job);
            if (job.State != JobState.Success)
            {
                failed.Add(pipeline.Name);
            }
        }

        return jobs;
    }

    /// <summary>Cheap check: same transform, input definition and input commits as the last successful job.</summary>
    private async Task<bool> IsUpToDateAsync(PipelineDocument pipeline, CancellationToken cancellationToken)
    {
        var last = await Jobs.LastSuccessAsync(pipeline.Name, cancellationToken);
        await using var executor = executorFor(pipeline.Spec.Executor);
        var runner = new JobRunner(store, executor, scratchRoot);
        if (last is null || last.TransformHash != await runner.IdentityAsync(pipeline, cancellationToken) || last.InputHash != JobRunner.InputIdentity(pipeline.Spec.Input))
        {
            return false;
        }

        var (_, inputs) = await runner.ReadInputsAsync(pipeline, cancellationToken);
        return inputs.SequenceEqual(last.Inputs) && await OutputStillAtAsync(pipeline.Spec, last.OutputCommit, cancellationToken);
    }

    private async Task<bool> OutputStillAtAsync(Core.Pipelines.PipelineSpec spec, string? commit, CancellationToken cancellationToken) =>
        (await store.TryGetBranchAsync(spec.Name, spec.OutputBranch, cancellationToken))?.Head == commit;


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
