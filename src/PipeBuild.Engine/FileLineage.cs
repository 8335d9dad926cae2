using PipeBuild.Core;
using PipeBuild.Store;

namespace PipeBuild.Engine;

/// <summary>
/// A file at a commit, and how it links to others: upstream, the job and datum that wrote it and the files that
/// datum read (<see cref="Links"/>, each followed to the original inputs); downstream, the files built from it.
/// </summary>
/// <param name="Pipeline">the pipeline whose job wrote the file (upstream) or read it (downstream); null for a file a user put</param>
/// <param name="Note">what stopped the walk here, when something did (a job record deleted, the depth or breadth limit)</param>
public sealed record LineageNode(
    string Repo,
    string Commit,
    string Path,
    string? Pipeline = null,
    string? Job = null,
    string? Datum = null,
    string? DatumInputs = null,
    string? Note = null)
{
    public IReadOnlyList<LineageNode> Links { get; init; } = [];
}

/// <summary>
/// Per-file lineage, beyond Pachyderm's commit provenance: which datum of which job wrote an output file, which
/// input files (at which commits) that datum read, and so on to the files users put; or, downstream, every file
/// built from one. Read from what jobs already store: the output commit's job, its datum table (each datum's
/// inputs), and each datum's stored result (the files it wrote). docs/console.md#lineage
/// </summary>
public sealed class FileLineage(VersionStore store, PipelineEngine engine)
{
    /// <summary>Steps followed from the first file; deeper links are cut with a note.</summary>
    public const int MaxDepth = 16;

    /// <summary>Files followed from one datum's input folder or one file's readers; the rest are counted in a note.</summary>
    public const int MaxLinks = 50;

    /// <summary>Where <paramref name="path"/> of <paramref name="repo"/>@<paramref name="commit"/> came from, back to the files users put.</summary>
    public Task<LineageNode> UpstreamAsync(string repo, string commit, string path, CancellationToken cancellationToken) =>
        UpAsync(repo, commit, RepoPath.Normalize(path), 0, cancellationToken);

    /// <summary>Every file built, directly or through other pipelines, from <paramref name="path"/> of <paramref name="repo"/>@<paramref name="commit"/>.</summary>
    public Task<LineageNode> DownstreamAsync(string repo, string commit, string path, CancellationToken cancellationToken) =>
        DownAsync(repo, commit, RepoPath.Normalize(path), 0, cancellationToken);

    private async Task<LineageNode> UpAsync(string repo, string commitId, string path, int depth, CancellationToken cancellationToken)
    {
        var commit = await store.GetCommitAsync(repo, commitId, cancellationToken);
        var node = new LineageNode(repo, commit.Id, path);
        if (CommitOrigin.PipelineOf(commit.Origin) is not { } pipeline)
        {
            return node; // put by a user: an original input
        }

        node = node with { Pipeline = pipeline };
        if (await engine.Registry.TryGetAsync(pipeline, cancellationToken) is { Spec.Spout: true })
        {
            return node with { Note = "put by the spout's process: an original input" };
        }

        if ((await engine.Jobs.ListAsync(pipeline, cancellationToken)).FirstOrDefault(j => j.OutputCommit == commit.Id) is not { } job)
        {
            return node with { Note = "the job that wrote this commit is no longer recorded" };
        }

        if (depth >= MaxDepth)
        {
            return node with { Job = job.Id, Note = $"not followed further than {MaxDepth} steps" };
        }

        var inputs = await engine.Registry.InputReposAsync(pipeline, cancellationToken);
        var writers = await DatumsWritingAsync(job, path, cancellationToken);
        if (writers.Count == 0)
        {
            return node with { Job = job.Id, Note = "no datum of its job wrote this path" };
        }

        // Usually one datum wrote a path; more when several wrote the same file (the output merges them).
        var links = new List<LineageNode>();
        var first = writers[0];
        foreach (var (name, matched) in first.MatchedPaths(inputs.Keys))
        {
            var input = inputs[name];
            if (job.Inputs.FirstOrDefault(i => i.Repo == input) is not { } read)
            {
                continue;
            }

            var files = await FilesUnderAsync(read.Repo, read.Commit, matched, cancellationToken);
            foreach (var file in files.Take(MaxLinks))
            {
                links.Add(await UpAsync(read.Repo, read.Commit, file, depth + 1, cancellationToken));
            }

            if (files.Count > MaxLinks)
            {
                links.Add(new LineageNode(read.Repo, read.Commit, matched, Note: $"and {files.Count - MaxLinks} more files under /{matched}"));
            }
        }

        return node with
        {
            Job = job.Id,
            Datum = first.Id,
            DatumInputs = first.Description,
            Note = writers.Count > 1 ? $"{writers.Count} datums wrote this path; the first is followed" : null,
            Links = links,
        };
    }

    private async Task<LineageNode> DownAsync(string repo, string commitId, string path, int depth, CancellationToken cancellationToken)
    {
        var commit = await store.GetCommitAsync(repo, commitId, cancellationToken);
        var node = new LineageNode(repo, commit.Id, path);
        if (depth >= MaxDepth)
        {
            return node with { Note = $"not followed further than {MaxDepth} steps" };
        }

        var links = new List<LineageNode>();
        foreach (var reader in await engine.Registry.ListAsync(cancellationToken))
        {
            var names = reader.Spec.Input.Leaves().Where(l => l.Repo == repo).Select(l => l.InputName).ToHashSet(StringComparer.Ordinal);
            if (names.Count == 0)
            {
                continue;
            }

            // The newest successful job that read this very commit: the one whose output stands for it.
            var job = (await engine.Jobs.ListAsync(reader.Name, cancellationToken))
                .Where(j => j.State == JobState.Success && j.OutputCommit is not null && j.Inputs.Any(i => i.Repo == repo && i.Commit == commit.Id))
                .MaxBy(j => j.Started);
            if (job is null)
            {
                continue;
            }

            foreach (var datum in await engine.Jobs.GetDatumsAsync(job, cancellationToken))
            {
                if (datum.State == DatumState.Failed || !datum.MatchedPaths(names).Any(m => names.Contains(m.Input) && Covers(m.Path, path)))
                {
                    continue;
                }

                var outputs = await OutputsAsync(datum, cancellationToken);
                foreach (var output in outputs.Take(MaxLinks))
                {
                    var built = await DownAsync(reader.Name, job.OutputCommit!, RepoPath.Normalize(output.Path), depth + 1, cancellationToken);
                    links.Add(built with { Pipeline = reader.Name, Job = job.Id, Datum = datum.Id, DatumInputs = datum.Description });
                }

                if (outputs.Count > MaxLinks)
                {
                    links.Add(new LineageNode(reader.Name, job.OutputCommit!, "", reader.Name, job.Id, datum.Id, datum.Description, $"and {outputs.Count - MaxLinks} more files"));
                }
            }
        }

        return node with { Links = links };
    }

    /// <summary>The datums of <paramref name="job"/> whose stored result holds <paramref name="path"/>.</summary>
    private async Task<List<JobDatum>> DatumsWritingAsync(JobInfo job, string path, CancellationToken cancellationToken)
    {
        var datums = (await engine.Jobs.GetDatumsAsync(job, cancellationToken)).Where(d => d.State != DatumState.Failed).ToList();
        var writes = new bool[datums.Count];
        await JobPlanner.ReadResultsAsync(
            store.Objects,
            [.. datums.Select(d => Digest.Parse(d.Hash))],
            Enumerable.Range(0, datums.Count),
            (i, stored) => writes[i] = stored.Outputs.Any(o => RepoPath.Normalize(o.Path) == path),
            cancellationToken);
        return [.. datums.Where((_, i) => writes[i])];
    }

    private async Task<IReadOnlyList<OutputFile>> OutputsAsync(JobDatum datum, CancellationToken cancellationToken) =>
        (await DatumResult.TryReadAsync(store.Objects, datum.Hash, cancellationToken))?.Outputs ?? [];

    /// <summary>The files at or under <paramref name="path"/> of a commit (a datum's input may be a folder).</summary>
    private async Task<List<string>> FilesUnderAsync(string repo, string commitId, string path, CancellationToken cancellationToken)
    {
        var commit = await store.GetCommitAsync(repo, commitId, cancellationToken);
        if (await store.GetEntryAsync(commit, path, cancellationToken) is not { } entry)
        {
            return [];
        }

        var files = new List<string>();
        await foreach (var (file, _) in store.WalkFilesAsync(path, entry, cancellationToken))
        {
            files.Add(file);
        }

        return files;
    }

    /// <summary>Whether a datum that matched <paramref name="matched"/> read <paramref name="path"/> (the path itself, or a folder holding it).</summary>
    private static bool Covers(string matched, string path) =>
        matched.Length == 0 || path == matched || path.StartsWith(matched + "/", StringComparison.Ordinal);
}
