using PipeBuild.Core;
using PipeBuild.Core.Pipelines;
using PipeBuild.Store;

namespace PipeBuild.Engine;

/// <summary>
/// Turns a pipeline's input expression and the input commits into datums, with Pachyderm's semantics:
/// each glob match of a repo input is a datum; cross multiplies, union concatenates, join pairs matches with
/// equal <c>join_on</c> keys, group gathers matches with equal <c>group_by</c> keys into one datum.
/// </summary>
public sealed class DatumPlanner(VersionStore store)
{
    /// <param name="commits">the commit each repo input reads, by input name</param>
    public async Task<IReadOnlyList<Datum>> PlanAsync(PipelineInput input, IReadOnlyDictionary<string, CommitInfo> commits, CancellationToken cancellationToken)
    {
        switch (input)
        {
            case PfsInput pfs:
                return [.. (await MatchAsync(pfs, commits, cancellationToken)).Select(part => new Datum([part]))];
            case CrossInput cross:
                IReadOnlyList<Datum> product = [new Datum([])];
                foreach (var child in cross.Inputs)
                {
                    var datums = await PlanAsync(child, commits, cancellationToken);
                    product = [.. product.SelectMany(left => datums.Select(left.Concat))];
                }

                return product;
            case UnionInput union:
                var all = new List<Datum>();
                foreach (var child in union.Inputs)
                {
                    all.AddRange(await PlanAsync(child, commits, cancellationToken));
                }

                return all;
            case JoinInput join:
                return await JoinAsync(join, commits, cancellationToken);
            case GroupInput group:
                return await GroupAsync(group, commits, cancellationToken);
            default:
                throw new ArgumentOutOfRangeException(nameof(input), input, "unknown input kind");
        }
    }

    /// <summary>
    /// For an input of one repo glob: what changed in the plan since <paramref name="before"/>. A datum's hash
    /// depends only on its match and the files under it, so the datums that can differ are the matches whose tree
    /// entries differ between the two commits, found by walking only the subtrees whose hashes differ. Null for
    /// cross, union, join and group inputs, which are planned whole.
    /// </summary>
    public async Task<DatumChanges?> PlanChangesAsync(PipelineInput input, CommitInfo before, CommitInfo after, CancellationToken cancellationToken)
    {
        if (input is not PfsInput pfs)
        {
            return null;
        }

        var pattern = GlobPattern.Parse(pfs.Glob);
        var entries = await store.DiffEntriesAsync(
            await store.GetEntryAsync(before, "", cancellationToken), await store.GetEntryAsync(after, "", cancellationToken), "", pattern.MaxDepth, cancellationToken);
        var (gone, now) = (new List<Datum>(), new List<Datum>());
        foreach (var (path, old, @new) in entries.Where(e => pattern.IsMatch(e.Path)))
        {
            if (old is not null)
            {
                gone.Add(new Datum([await MatchAsync(pfs, pattern, before, path, old, cancellationToken)]));
            }

            if (@new is not null)
            {
                now.Add(new Datum([await MatchAsync(pfs, pattern, after, path, @new, cancellationToken)]));
            }
        }

        return new DatumChanges(gone, now);
    }

    private async Task<IReadOnlyList<Datum>> JoinAsync(JoinInput join, IReadOnlyDictionary<string, CommitInfo> commits, CancellationToken cancellationToken)
    {
        // Pachyderm: one datum per key present in every input (inner), plus outer-join inputs' unmatched keys.
        var sides = new List<(PfsInput Input, ILookup<string, DatumInput> ByKey)>();
        foreach (var input in join.Inputs)
        {
            var parts = await MatchAsync(input, commits, cancellationToken);
            // Without a JoinOn every file has the empty key: all of them join, as in Pachyderm.
            sides.Add((input, parts.ToLookup(p => p.Key ?? "", StringComparer.Ordinal)));
        }

        var keys = sides.SelectMany(s => s.ByKey.Select(g => g.Key)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        var datums = new List<Datum>();
        foreach (var key in keys)
        {
            // A key makes a datum when every input has it, or when an outer input has it (its partners optional).
            var present = sides.Where(side => side.ByKey[key].Any()).ToList();
            if (present.Count != sides.Count && !present.Any(side => side.Input.OuterJoin))
            {
                continue;
            }

            IReadOnlyList<Datum> product = [new Datum([])];
            foreach (var (_, byKey) in present)
            {
                product = [.. product.SelectMany(left => byKey[key].Select(m => left.Concat(new Datum([m]))))];
            }

            datums.AddRange(product);
        }

        return datums;
    }

    private async Task<IReadOnlyList<Datum>> GroupAsync(GroupInput group, IReadOnlyDictionary<string, CommitInfo> commits, CancellationToken cancellationToken)
    {
        var parts = new List<DatumInput>();
        foreach (var input in group.Inputs)
        {
            parts.AddRange((await MatchAsync(input, commits, cancellationToken)).Where(p => p.Key is not null));
        }

        return [.. parts.GroupBy(p => p.Key!, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => new Datum([.. g]))];
    }

    private async Task<IReadOnlyList<DatumInput>> MatchAsync(PfsInput input, IReadOnlyDictionary<string, CommitInfo> commits, CancellationToken cancellationToken)
    {
        if (!commits.TryGetValue(input.InputName, out var commit))
        {
            return []; // the input branch has no commits yet: nothing to process
        }

        var pattern = GlobPattern.Parse(input.Glob);
        var parts = new List<DatumInput>();
        await foreach (var (path, entry) in store.GlobAsync(commit, pattern, cancellationToken))
        {
            parts.Add(await MatchAsync(input, pattern, commit, path, entry, cancellationToken));
        }

        return parts;
    }

    /// <summary>The datum part of one glob match: every file under it, and its join or group key.</summary>
    private async Task<DatumInput> MatchAsync(PfsInput input, GlobPattern pattern, CommitInfo commit, string path, TreeEntry entry, CancellationToken cancellationToken)
    {
        var files = new List<DatumFile>();
        await foreach (var (filePath, file) in store.WalkFilesAsync(path, entry, cancellationToken))
        {
            files.Add(new DatumFile(filePath, file.Content));
        }

        // An exact-size array, not the list: a job holds every datum at once (docs/benchmarks.md: a million of them).
        var keyTemplate = input.JoinOn ?? input.GroupBy;
        return new DatumInput(input.InputName, input.Repo, input.Branch, commit.Id, path, files.ToArray())
        {
            Key = keyTemplate is null ? null : pattern.Expand(path, keyTemplate),
            EmptyFiles = input.EmptyFiles,
        };
    }
}
