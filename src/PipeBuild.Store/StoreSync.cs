using PipeBuild.Core;

namespace PipeBuild.Store;

/// <summary>
/// Copies history from one store to another (local to S3 and back): every repo, the finished commits its branches
/// reach and every object those commits reach, then moves each branch by compare-and-swap. Incremental: history
/// is walked back only to the first commit the destination has, and objects it has are not copied (objects are
/// written children first, so a tree it has is complete). A branch moves only forward; a destination branch
/// ahead is left alone; one that diverged is a conflict, reported after everything else was copied.
/// </summary>
public sealed class StoreSync(VersionStore source, VersionStore destination, IProgress<string>? progress = null)
{
    private const int MaxAttempts = 20;
    private readonly HashSet<string> present = new(StringComparer.Ordinal);
    private int commits;
    private int objects;
    private long bytes;

    private IObjectStore From => source.Objects;

    private IObjectStore To => destination.Objects;

    public async Task<SyncReport> RunAsync(CancellationToken cancellationToken)
    {
        var moved = new List<string>();
        var ahead = new List<string>();
        var conflicts = new List<string>();
        var repos = await source.ListReposAsync(cancellationToken);
        foreach (var repo in repos)
        {
            if (await From.ReadDocumentAsync(StoreKeys.Repo(repo.Name), cancellationToken) is { } repoDocument
                && await To.ReadDocumentAsync(StoreKeys.Repo(repo.Name), cancellationToken) is null)
            {
                await To.TryWriteDocumentAsync(StoreKeys.Repo(repo.Name), repoDocument.Content, null, cancellationToken);
            }

            foreach (var branch in await source.ListBranchesAsync(repo.Name, cancellationToken))
            {
                if (branch.Head is not { } head)
                {
                    continue;
                }

                var name = $"{repo.Name}@{branch.Name}";
                progress?.Report(name);
                await CopyHistoryAsync(repo.Name, head, cancellationToken);
                switch (await MoveBranchAsync(repo.Name, branch.Name, head, cancellationToken))
                {
                    case Move.Moved:
                        moved.Add(name);
                        break;
                    case Move.Ahead:
                        ahead.Add(name);
                        break;
                    case Move.Diverged:
                        conflicts.Add(name);
                        break;
                }
            }
        }

        if (conflicts.Count > 0)
        {
            throw new PipeException(
                ErrorCodes.SyncDiverged,
                $"{string.Join(", ", conflicts)} diverged: {To.Location} has commits there that {From.Location} does not. Those branches were not moved (everything else was copied). Pull first and move the branch to the history to keep ('dotnet pipe branch create REPO@BRANCH --head COMMIT'), then sync again.");
        }

        return new SyncReport(repos.Count, commits, objects, bytes, moved, ahead);
    }

    /// <summary>Copies the commits from <paramref name="head"/> back to the first the destination has, oldest first.</summary>
    private async Task CopyHistoryAsync(string repo, string head, CancellationToken cancellationToken)
    {
        var missing = new List<CommitInfo>();
        if (!await To.ExistsAsync(StoreKeys.Commit(repo, head), cancellationToken))
        {
            await foreach (var commit in source.HistoryAsync(await source.GetCommitAsync(repo, head, cancellationToken), cancellationToken))
            {
                if (await To.ExistsAsync(StoreKeys.Commit(repo, commit.Id), cancellationToken))
                {
                    break;
                }

                missing.Add(commit);
            }
        }

        if (missing.Any(c => !c.IsOpen && c.Seal is null))
        {
            await StoreFormat.AdmitLegacyCommitsAsync(To, cancellationToken);
        }

        for (var i = missing.Count - 1; i >= 0; i--)
        {
            var commit = missing[i];
            await CopyEntryAsync(commit.Root, cancellationToken);
            await To.FlushAsync(cancellationToken);
            await To.PutIfAbsentAsync(StoreKeys.Commit(repo, commit.Id), (await From.TryReadAsync(StoreKeys.Commit(repo, commit.Id), cancellationToken))!, cancellationToken);
            commits++;
        }
    }

    /// <summary>Copies an entry's objects the destination lacks, children before the tree or chunk list naming them.</summary>
    private async Task CopyEntryAsync(TreeEntry entry, CancellationToken cancellationToken)
    {
        if (entry.Hash == ContentStore.EmptyTree || present.Contains(entry.Hash))
        {
            return;
        }

        if (await To.ExistsAsync(StoreKeys.Object(entry.Hash), cancellationToken))
        {
            present.Add(entry.Hash);
            return;
        }

        if (entry.Kind == EntryKind.ChunkedFile)
        {
            foreach (var chunk in await source.Content.ReadChunkListAsync(entry.Hash, cancellationToken))
            {
                await CopyEntryAsync(new TreeEntry("", EntryKind.File, chunk.Size, chunk.Hash), cancellationToken);
            }
        }
        else if (entry.IsDirectory)
        {
            // The parts of a large directory are plain tree objects: copied as entries with no children of their own.
            var listing = await source.Content.ReadListingAsync(entry.Hash, cancellationToken);
            foreach (var part in listing.PartHashes)
            {
                await CopyEntryAsync(new TreeEntry("", EntryKind.File, 0, part), cancellationToken);
            }

            await foreach (var child in listing.EntriesAsync(cancellationToken))
            {
                await CopyEntryAsync(child, cancellationToken);
            }
        }

        var data = await source.Content.ReadVerifiedAsync(entry.Hash, cancellationToken);
        await To.PutIfAbsentAsync(StoreKeys.Object(entry.Hash), data, cancellationToken);
        present.Add(entry.Hash);
        objects++;
        bytes += data.Length;
    }

    private async Task<Move> MoveBranchAsync(string repo, string branch, string head, CancellationToken cancellationToken)
    {
        var key = StoreKeys.Branch(repo, branch);
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var current = await To.ReadDocumentAsync(key, cancellationToken);
            var document = current is null ? null : StoreJson.Deserialize<BranchDocument>(current.Content, key);
            if (document?.Head == head)
            {
                return Move.UpToDate;
            }

            if (document?.Head is { } theirs && !await IsAncestorAsync(source, repo, theirs, head, cancellationToken))
            {
                return await IsAncestorAsync(destination, repo, head, theirs, cancellationToken) ? Move.Ahead : Move.Diverged;
            }

            if (document?.Open is not null)
            {
                return Move.Diverged; // a commit is being written there: moving the branch would orphan it
            }

            await To.FlushAsync(cancellationToken);
            if (await To.TryWriteDocumentAsync(key, StoreJson.Serialize(new BranchDocument(head, null)), current?.Version, cancellationToken) is not null)
            {
                return Move.Moved;
            }
        }

        throw new PipeException(ErrorCodes.Contention, $"'{repo}@{branch}' in {To.Location} kept changing during the sync; try again.");
    }

    /// <summary>Whether <paramref name="ancestor"/> is <paramref name="descendant"/> or one of its parents in <paramref name="store"/>.</summary>
    private static async Task<bool> IsAncestorAsync(VersionStore store, string repo, string ancestor, string descendant, CancellationToken cancellationToken)
    {
        if (descendant == ancestor)
        {
            return true;
        }

        if (!await store.Objects.ExistsAsync(StoreKeys.Commit(repo, descendant), cancellationToken))
        {
            return false;
        }

        await foreach (var commit in store.HistoryAsync(await store.GetCommitAsync(repo, descendant, cancellationToken), cancellationToken))
        {
            if (commit.Id == ancestor)
            {
                return true;
            }

            if (commit.Parent is { } parent && !await store.Objects.ExistsAsync(StoreKeys.Commit(repo, parent), cancellationToken))
            {
                return false; // the history stops where this store's copy of it does
            }
        }

        return false;
    }

    private enum Move
    {
        UpToDate,
        Moved,
        Ahead,
        Diverged,
    }
}
