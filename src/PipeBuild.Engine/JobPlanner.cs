using PipeBuild.Core;
using PipeBuild.Core.Pipelines;
using PipeBuild.Store;

namespace PipeBuild.Engine;

/// <summary>
/// Plans a job of a pipeline: its datums, which of them a stored result already covers, and what it keeps of the
/// previous output. A job (<see cref="JobRunner"/>) and the staleness decision (<see cref="StalenessChain"/>) both
/// plan through it, so what <c>run --question</c> predicts is what <c>run</c> does (docs/architecture.md).
/// </summary>
public sealed class JobPlanner(VersionStore store, JobStore jobs)
{
    private const int ResultReaders = 16;

    /// <summary>The head commit of every input branch (skipping empty ones), and the provenance they carry.</summary>
    public async Task<JobInputs> ReadInputsAsync(PipelineSpec spec, CancellationToken cancellationToken)
    {
        var commits = new Dictionary<string, CommitInfo>(StringComparer.Ordinal);
        var provenance = new List<CommitProvenance>();
        foreach (var leaf in spec.Input.Leaves())
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

        return new JobInputs(commits, [.. provenance.Distinct()]);
    }

    /// <summary>
    /// Plans a job of <paramref name="spec"/> under <paramref name="identity"/> after <paramref name="last"/> (the
    /// pipeline's last successful job). Every datum with a stored result is marked <see cref="DatumState.Skipped"/>;
    /// the others are left to run. <paramref name="found"/> sees each stored result read on the way.
    /// </summary>
    /// <param name="kept">
    /// an identity whose results this job takes over (<see cref="PipelineDocument.KeptIdentity"/>): a datum with no
    /// result under <paramref name="identity"/> but one under it is reused too, and <see cref="JobPlan.KeptFrom"/>
    /// names that result, for the job to store it under the datum's own key
    /// </param>
    /// <param name="ranBefore">
    /// the result keys of the datums an earlier pass of this job ran, with how they ended (success, or recovered by the
    /// error handler), when that pass, planned from changes, could not finish its output: every datum is planned, and
    /// those keep the state they ran to; null for a
    /// first pass, which may plan only the datums changed since <paramref name="last"/>'s input (see <see cref="ChooseAsync"/>)
    /// </param>
    public async Task<JobPlan> PlanAsync(
        PipelineSpec spec, JobInfo? last, string identity, string? kept, string inputHash, IReadOnlyDictionary<string, CommitInfo> commits, IReadOnlyDictionary<Digest, DatumState>? ranBefore,
        Action<int, DatumResult>? found, CancellationToken cancellationToken)
    {
        var (datums, previous, carried, changes) = await ChooseAsync(spec, last, identity, inputHash, commits, fromChanges: ranBefore is null, cancellationToken);
        var hashes = new Digest[datums.Count];
        var states = new DatumState?[datums.Count];
        var logs = new Digest?[datums.Count];
        Parallel.For(0, datums.Count, i => hashes[i] = Digest.Parse(datums[i].Hash(identity)));
        for (var i = 0; i < datums.Count; i++)
        {
            if (previous is { Partial: false } && previous.Logs.TryGetValue(hashes[i], out var log))
            {
                // In the output already: its result is read only if the output has to be rebuilt.
                states[i] = DatumState.Skipped;
                logs[i] = log;
            }
        }

        await ReadResultsAsync(
            store.Objects,
            hashes,
            Enumerable.Range(0, datums.Count).Where(i => states[i] is null),
            (i, stored) =>
            {
                (states[i], logs[i]) = (DatumState.Skipped, Digest.ParseOrNull(stored.LogHash));
                found?.Invoke(i, stored);
            },
            cancellationToken);
        var keptFrom = new Digest?[datums.Count];
        if (kept is not null)
        {
            var old = new Digest[datums.Count];
            var missing = Enumerable.Range(0, datums.Count).Where(i => states[i] is null).ToList();
            Parallel.ForEach(missing, i => old[i] = Digest.Parse(datums[i].Hash(kept)));
            await ReadResultsAsync(
                store.Objects,
                old,
                missing,
                (i, stored) =>
                {
                    (states[i], logs[i], keptFrom[i]) = (DatumState.Skipped, Digest.ParseOrNull(stored.LogHash), old[i]);
                    found?.Invoke(i, stored);
                },
                cancellationToken);
        }

        for (var i = 0; ranBefore is not null && i < datums.Count; i++)
        {
            states[i] = ranBefore.TryGetValue(hashes[i], out var ran) ? ran : states[i];
        }

        return new JobPlan(datums, hashes, states, logs, keptFrom, previous, carried, changes);
    }

    /// <summary>The plan's changes since <paramref name="last"/>'s input commit, when the input is one repo glob and that commit can still be read.</summary>
    public async Task<DatumChanges?> ChangesSinceAsync(PipelineInput input, JobInfo last, IReadOnlyDictionary<string, CommitInfo> commits, CancellationToken cancellationToken)
    {
        if (input is not PfsInput pfs || !commits.TryGetValue(pfs.InputName, out var now)
            || last.Inputs.FirstOrDefault(i => i.Repo == pfs.Repo && i.Branch == pfs.Branch) is not { } then)
        {
            return null;
        }

        try
        {
            return await new DatumPlanner(store).PlanChangesAsync(pfs, await store.GetCommitAsync(pfs.Repo, then.Commit, cancellationToken), now, cancellationToken);
        }
        catch (PipeException e) when (e.Code is ErrorCodes.CommitNotFound or ErrorCodes.Corrupt)
        {
            return null; // that commit was deleted (and perhaps collected): plan every datum
        }
    }

    /// <summary>Reads the stored result of each of <paramref name="indices"/>' datums, a few at a time (each is a small object), and hands it to <paramref name="found"/>.</summary>
    internal static Task ReadResultsAsync(IObjectStore objects, Digest[] hashes, IEnumerable<int> indices, Action<int, DatumResult> found, CancellationToken cancellationToken) =>
        Parallel.ForEachAsync(
            indices,
            new ParallelOptions { MaxDegreeOfParallelism = ResultReaders, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                if (await objects.TryReadAsync(EngineKeys.Result(hashes[i].ToString()), ct) is { } stored)
                {
                    found(i, EngineJson.Deserialize<DatumResult>(stored));
                }
            });

    /// <summary>
    /// The datums this job decides, what it knows of the previous output, and the rows it carries over. When the
    /// last successful job read the same input definition under the same transform and its output is still the
    /// branch head, only the datums whose matches changed since its input commit are planned, and the rest of its
    /// table is carried over unread (<see cref="DatumPlanner.PlanChangesAsync"/>): the outputs to drop are those of
    /// the changed datums as they were. Otherwise every datum is planned.
    /// </summary>
    private async Task<(IReadOnlyList<Datum> Datums, PreviousOutput? Previous, DatumTable.CarriedRows? Carried, DatumChanges? Changes)> ChooseAsync(
        PipelineSpec spec, JobInfo? last, string identity, string inputHash, IReadOnlyDictionary<string, CommitInfo> commits, bool fromChanges, CancellationToken cancellationToken)
    {
        var planner = new DatumPlanner(store);
        var branch = await store.TryGetBranchAsync(spec.Name, spec.OutputBranch, cancellationToken);
        if (branch?.Head is not { } head || last is not { DatumTable: { } table } || last.OutputCommit != head)
        {
            return (await planner.PlanAsync(spec.Input, commits, cancellationToken), null, null, null);
        }

        var tree = (await store.GetCommitAsync(spec.Name, head, cancellationToken)).Tree;
        if (fromChanges && last.TransformHash == identity && last.InputHash == inputHash
            && await ChangesSinceAsync(spec.Input, last, commits, cancellationToken) is { } changes)
        {
            var before = changes.Before.ToDictionary(d => Digest.Parse(d.Hash(identity)), _ => (Digest?)null);
            var carried = new DatumTable.CarriedRows(table, [.. changes.Ids], last.DatumsTotal - changes.Before.Count);
            return (changes.After, new PreviousOutput(tree, before, Partial: true), carried, changes);
        }

        var logs = new Dictionary<Digest, Digest?>();
        foreach (var datum in await jobs.GetDatumKeysAsync(last, cancellationToken))
        {
            logs[datum.Hash] = datum.Log;
        }

        return (await planner.PlanAsync(spec.Input, commits, cancellationToken), new PreviousOutput(tree, logs, false), null, null);
    }
}

/// <summary>What a job reads: the head commit of each input by input name (empty branches left out), and the provenance it records.</summary>
public sealed record JobInputs(Dictionary<string, CommitInfo> Commits, IReadOnlyList<CommitProvenance> Provenance);

/// <summary>
/// A planned job: its datums in plan order with their result keys, the state of each already decided
/// (<see cref="DatumState.Skipped"/> where a stored result is reused, <see cref="DatumState.Success"/> where an
/// earlier pass of the job ran it; null where the datum has to run) and its log,
/// where a reused result is one taken over from the previous definition, the key it is stored under, the previous
/// output it edits, the rows it carries over from the last job's table unread, and, when planned from changes, the
/// datums as they were and are.
/// </summary>
public sealed record JobPlan(
    IReadOnlyList<Datum> Datums, Digest[] Hashes, DatumState?[] States, Digest?[] Logs, Digest?[] KeptFrom, PreviousOutput? Previous, DatumTable.CarriedRows? Carried, DatumChanges? Changes)
{
    /// <summary>Every datum of the job, carried rows included.</summary>
    public int Total => Datums.Count + (Carried?.Count ?? 0);

    /// <summary>The datums with a stored result, carried rows included.</summary>
    public int Reused => States.Count(s => s == DatumState.Skipped) + (Carried?.Count ?? 0);

    /// <summary>The plan indices of the datums that have to run.</summary>
    public IEnumerable<int> ToRun => Enumerable.Range(0, Datums.Count).Where(i => States[i] is null);
}

/// <summary>
/// The output of the last successful job, the branch head when the job was planned: its tree, and the result key
/// and log of each of its datums; with <see cref="Partial"/>, only of those the job replans, without logs.
/// </summary>
public sealed record PreviousOutput(string Tree, Dictionary<Digest, Digest?> Logs, bool Partial);
