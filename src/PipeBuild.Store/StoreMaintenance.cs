using PipeBuild.Core;

namespace PipeBuild.Store;

/// <summary>
/// <c>fsck</c> (every object hashes to its name; every branch, commit and tree points at objects that exist) and
/// <c>gc</c> (removes the commits and objects nothing reaches).
/// </summary>
public sealed class StoreMaintenance(VersionStore store)
{
    private readonly HashSet<string> checkedTrees = new(StringComparer.Ordinal);

    private IObjectStore Objects => store.Objects;

    public async Task<FsckReport> FsckAsync(CancellationToken cancellationToken)
    {
        checkedTrees.Clear(); // a tree checked by an earlier run may have lost objects since
        var problems = new List<string>();
        var verified = new HashSet<string>(StringComparer.Ordinal);
        var objectCount = 0;
        await foreach (var key in Objects.ListAsync(StoreKeys.ObjectsPrefix, cancellationToken))
        {
            if (!StoreKeys.IsObjectKey(key))
            {
                problems.Add($"'{key}' in the objects folder is not an object (objects are objects/HH/62 more hex digits); move it away.");
                continue;
            }

            objectCount++;
            var hash = StoreKeys.HashOfObjectKey(key);
            try
            {
                await store.Content.VerifyAsync(hash, cancellationToken);
                verified.Add(hash);
            }
            catch (PipeException e)
            {
                problems.Add(e.Message);
            }
        }

        var legacy = (await StoreFormat.CheckAsync(Objects, cancellationToken)).LegacyCommits == true;
        var commits = 0;
        await foreach (var repoKey in Objects.ListAsync(StoreKeys.ReposPrefix, cancellationToken))
        {
            // A damaged document is reported and the check goes on: fsck is what a user runs when things fail.
            var repo = repoKey[StoreKeys.ReposPrefix.Length..];
            if (!Names.IsValid(repo))
            {
                problems.Add($"'{repoKey}' is not a repo document: '{repo}' is not a repo name; move it away.");
                continue;
            }

            if (!await Reported(problems, () => store.GetRepoAsync(repo, cancellationToken)))
            {
                continue;
            }

            await foreach (var branchKey in Objects.ListAsync(StoreKeys.BranchesOf(repo), cancellationToken))
            {
                var name = branchKey[StoreKeys.BranchesOf(repo).Length..];
                await Reported(problems, async () =>
                {
                    var branch = await store.TryGetBranchAsync(repo, name, cancellationToken)
                        ?? throw StoreJson.Damaged(branchKey, "it is not a branch name");
                    foreach (var id in new[] { branch.Head, branch.Open }.OfType<string>())
                    {
                        if (!await Objects.ExistsAsync(StoreKeys.Commit(repo, id), cancellationToken)
                            && !await Objects.ExistsAsync(StoreKeys.OpenCommit(repo, id), cancellationToken))
                        {
                            problems.Add($"branch {repo}@{branch.Name} points at commit {id}, which does not exist.");
                        }
                    }
                });
            }

            var keptPrefix = StoreKeys.KeptCommitsOf(repo);
            await foreach (var keptKey in Objects.ListAsync(keptPrefix, cancellationToken))
            {
                var id = keptKey[keptPrefix.Length..];
                if (!StoreKeys.IsCommitId(id) || !await Objects.ExistsAsync(StoreKeys.Commit(repo, id), cancellationToken))
                {
                    problems.Add($"'{keptKey}' keeps commit {id} of {repo}, a commit a branch was moved off, but no such commit exists.");
                }
            }

            var history = new Dictionary<string, CommitInfo>(StringComparer.Ordinal);
            await foreach (var (_, commit) in CommitsAsync(repo, cancellationToken, problems))
            {
                commits++;
                history.TryAdd(commit.Id, commit);
                await CheckReachableAsync(commit.Root, $"{repo}@{commit.Id}:/", verified, problems, cancellationToken);
            }

            CheckHistory(repo, history, legacy, problems);
        }

        return new FsckReport(commits, objectCount, problems);
    }

    /// <summary>
    /// The links between a repo's commits: every finished commit sealed (unless the store is older than seals, and then
    /// at least every commit made on a sealed one), each parent present and still the commit its child was made on,
    /// and no history that loops.
    /// </summary>
    private static void CheckHistory(string repo, Dictionary<string, CommitInfo> history, bool legacy, List<string> problems)
    {
        foreach (var commit in history.Values.OrderBy(c => c.Id, StringComparer.Ordinal))
        {
            var parent = commit.Parent is { } parentId ? history.GetValueOrDefault(parentId) : null;
            if (commit.Parent is not null && parent is null)
            {
                problems.Add($"commit {repo}@{commit.Id} has parent {commit.Parent}, which does not exist (or is damaged).");
            }

            if (!commit.IsOpen && commit.Seal is null && (!legacy || parent?.Seal is not null))
            {
                problems.Add($"commit {repo}@{commit.Id} has no seal: its document was written by hand or its seal removed ('{StoreKeys.Commit(repo, commit.Id)}').");
            }

            if (parent is not null && commit.ParentSeal is { } expected && expected != parent.Seal)
            {
                problems.Add($"commit {repo}@{commit.Id} was made on a parent {parent.Id} whose seal was {expected}; it is now {parent.Seal ?? "missing"}: the parent was changed.");
            }
        }

        // Loops: follow each commit's parents until a root, a missing parent, or a commit already known to end well.
        var ends = new HashSet<string>(StringComparer.Ordinal);
        foreach (var start in history.Keys.Order(StringComparer.Ordinal))
        {
            var path = new HashSet<string>(StringComparer.Ordinal);
            for (var id = start; id is not null && !ends.Contains(id) && history.TryGetValue(id, out var commit); id = commit.Parent)
            {
                if (!path.Add(id))
                {
                    problems.Add($"the history of {repo} loops: commit {id} is its own ancestor (see its parent in '{StoreKeys.Commit(repo, id)}').");
                    break;
                }
            }

            ends.UnionWith(path);
        }
    }

    /// <summary>Runs <paramref name="check"/>; a damaged document it meets is one more problem, and false.</summary>
    private static async Task<bool> Reported(List<string> problems, Func<Task> check)
    {
        try
        {
            await check();
            return true;
        }
        catch (PipeException e) when (e.Code is ErrorCodes.Corrupt or ErrorCodes.InvalidPath or ErrorCodes.CommitNotFound)
        {
            problems.Add(e.Message);
            return false;
        }
    }

    /// <summary>
    /// Removes the commits nothing reaches and then the objects nothing reaches, each once older than
    /// <paramref name="grace"/> (spares writes in progress). A commit is reached from a branch (its head or open
    /// commit), a commit a branch was moved off (<see cref="KeptCommitDocument"/>), a commit <paramref name="roots"/>
    /// names (jobs' inputs and outputs), and from any commit reached, through its parent and its provenance; what is
    /// left was written by a command killed before it published it, or deleted (<c>commit delete</c>). Commit
    /// documents go before the objects they reach, so a crash in between leaves no commit without its tree.
    /// </summary>
    public async Task<GcReport> CollectAsync(TimeSpan grace, CancellationToken cancellationToken, GcRoots? roots = null)
    {
        roots ??= GcRoots.None;
        var cutoff = DateTimeOffset.UtcNow - grace;
        // The upgrade time is the upgrading machine's clock and a document's time the store's (an S3 server's): a day's
        // margin, so a clock apart from the other cannot expose a commit an older tool wrote.
        var keepBefore = (await StoreFormat.CheckAsync(Objects, cancellationToken)).KeepCommitsBefore + TimeSpan.FromDays(1);

        var documents = new Dictionary<RepoCommit, List<(string Key, CommitInfo Commit)>>();
        var openOnBranch = new HashSet<RepoCommit>();
        var reached = new HashSet<RepoCommit>();
        var pending = new Stack<RepoCommit>();
        foreach (var repo in await store.ListReposAsync(cancellationToken))
        {
            foreach (var branch in await store.ListBranchesAsync(repo.Name, cancellationToken))
            {
                foreach (var id in new[] { branch.Head, branch.Open }.OfType<string>())
                {
                    pending.Push(new RepoCommit(repo.Name, id));
                }

                if (branch.Open is { } open)
                {
                    openOnBranch.Add(new RepoCommit(repo.Name, open));
                }
            }

            var keptPrefix = StoreKeys.KeptCommitsOf(repo.Name);
            await foreach (var key in Objects.ListAsync(keptPrefix, cancellationToken))
            {
                pending.Push(new RepoCommit(repo.Name, key[keptPrefix.Length..]));
            }

            await foreach (var (key, commit) in CommitsAsync(repo.Name, cancellationToken))
            {
                var id = new RepoCommit(repo.Name, commit.Id);
                (documents.TryGetValue(id, out var list) ? list : documents[id] = []).Add((key, commit));
            }
        }

        await foreach (var root in roots.Commits.WithCancellation(cancellationToken))
        {
            pending.Push(root);
        }

        Reach();

        // What would go: finished commits nothing reached, and open documents no branch names (a commit started by a
        // killed command, or left behind by a finish or delete that was killed). Young ones stay, with their history.
        var candidates = new List<(RepoCommit Id, string Key, bool Leftover, DateTimeOffset Started)>();
        int young = 0;
        foreach (var (id, list) in documents)
        {
            var finished = list.Any(d => !d.Commit.IsOpen);
            foreach (var (key, commit) in list)
            {
                // An open document beside the finished commit is what a killed finish left; it goes whoever reaches the commit.
                var leftover = commit.IsOpen && finished;
                if (commit.IsOpen ? openOnBranch.Contains(id) || (!leftover && reached.Contains(id)) : reached.Contains(id))
                {
                    continue;
                }

                if (await Objects.GetLastModifiedAsync(key, cancellationToken) is { } modified && (modified > cutoff || modified < keepBefore))
                {
                    young += modified > cutoff ? 1 : 0;
                    pending.Push(id);
                }
                else
                {
                    candidates.Add((id, key, leftover, commit.Started));
                }
            }
        }

        Reach();
        var commitsRemoved = 0;
        // Newest first: a child goes before its parent and its provenance, so a crash leaves no commit whose parent is gone.
        foreach (var (id, key, leftover, _) in candidates.Where(c => c.Leftover || !reached.Contains(c.Id)).OrderByDescending(c => c.Started))
        {
            await Objects.DeleteAsync(key, cancellationToken);
            commitsRemoved += leftover ? 0 : 1;
        }

        var reachable = new HashSet<string>(StringComparer.Ordinal) { ContentStore.EmptyTree };
        foreach (var id in reached)
        {
            foreach (var (_, commit) in documents.GetValueOrDefault(id) ?? [])
            {
                await MarkAsync(commit.Root, reachable, cancellationToken);
            }
        }

        await foreach (var root in roots.Content.WithCancellation(cancellationToken))
        {
            await MarkAsync(new TreeEntry("", root.Kind, root.Size, root.Hash), reachable, cancellationToken);
        }

        int removed = 0;
        long bytes = 0;
        await foreach (var key in Objects.ListAsync(StoreKeys.ObjectsPrefix, cancellationToken))
        {
            if (!StoreKeys.IsObjectKey(key) || reachable.Contains(StoreKeys.HashOfObjectKey(key)))
            {
                continue;
            }

            if (await Objects.GetLastModifiedAsync(key, cancellationToken) is { } modified && modified > cutoff)
            {
                young++;
                continue;
            }

            bytes += await SizeAsync(key, cancellationToken);
            await Objects.DeleteAsync(key, cancellationToken);
            removed++;
        }

        return new GcReport(reachable.Count, removed, bytes, young, commitsRemoved);

        // Everything pending and what it reaches: parents in its repo, provenance in others.
        void Reach()
        {
            while (pending.TryPop(out var id))
            {
                if (!reached.Add(id))
                {
                    continue;
                }

                foreach (var (_, commit) in documents.GetValueOrDefault(id) ?? [])
                {
                    if (commit.Parent is { } parent)
                    {
                        pending.Push(new RepoCommit(id.Repo, parent));
                    }

                    foreach (var input in commit.Provenance)
                    {
                        pending.Push(new RepoCommit(input.Repo, input.Commit));
                    }
                }
            }
        }
    }

    /// <summary>
    /// Every commit of <paramref name="repo"/>. A damaged commit document is an error, or, given
    /// <paramref name="problems"/> (fsck), one more problem and the walk goes on; gc must stop instead, since it would
    /// collect what the unreadable commit holds.
    /// </summary>
    private async IAsyncEnumerable<(string Key, CommitInfo Commit)> CommitsAsync(
        string repo, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken, List<string>? problems = null)
    {
        foreach (var prefix in new[] { StoreKeys.CommitsOf(repo), StoreKeys.OpenCommitsOf(repo) })
        {
            await foreach (var key in Objects.ListAsync(prefix, cancellationToken))
            {
                if (await Objects.TryReadAsync(key, cancellationToken) is not { } data)
                {
                    continue;
                }

                CommitInfo commit;
                try
                {
                    commit = CommitSeal.Read(data, key, repo, key[prefix.Length..]);
                }
                catch (PipeException e) when (problems is not null && e.Code == ErrorCodes.Corrupt)
                {
                    problems.Add(e.Message);
                    continue;
                }

                yield return (key, commit);
            }
        }
    }

    /// <summary>An object's size, read a buffer at a time where the store cannot say it (an unreferenced log may be large).</summary>
    private async Task<long> SizeAsync(string key, CancellationToken cancellationToken)
    {
        await using var stream = await Objects.TryOpenReadAsync(key, cancellationToken);
        if (stream is null || stream.CanSeek)
        {
            return stream?.Length ?? 0;
        }

        long size = 0;
        var buffer = new byte[64 * 1024];
        for (int read; (read = await stream.ReadAsync(buffer, cancellationToken)) > 0;)
        {
            size += read;
        }

        return size;
    }

    private async Task MarkAsync(TreeEntry entry, HashSet<string> reachable, CancellationToken cancellationToken)
    {
        if (!reachable.Add(entry.Hash))
        {
            return;
        }

        if (entry.Kind == EntryKind.ChunkedFile)
        {
            foreach (var chunk in await store.Content.ReadChunkListAsync(entry.Hash, cancellationToken))
            {
                reachable.Add(chunk.Hash);
            }
        }
        else if (entry.IsDirectory)
        {
            var listing = await store.Content.ReadListingAsync(entry.Hash, cancellationToken);
            reachable.UnionWith(listing.PartHashes);
            await foreach (var child in listing.EntriesAsync(cancellationToken))
            {
                await MarkAsync(child, reachable, cancellationToken);
            }
        }
    }

    private async Task CheckReachableAsync(TreeEntry entry, string where, HashSet<string> verified, List<string> problems, CancellationToken cancellationToken)
    {
        if (entry.IsDirectory && !checkedTrees.Add(entry.Hash))
        {
            return; // a tree shared by many commits is checked once
        }

        if (!verified.Contains(entry.Hash) && entry.Hash != ContentStore.EmptyTree)
        {
            problems.Add($"{where}{entry.Name} needs object {entry.Hash}, which is missing or corrupt.");
            return;
        }

        if (entry.Kind == EntryKind.ChunkedFile)
        {
            foreach (var chunk in await store.Content.ReadChunkListAsync(entry.Hash, cancellationToken))
            {
                if (!verified.Contains(chunk.Hash))
                {
                    problems.Add($"{where}{entry.Name} needs chunk {chunk.Hash}, which is missing or corrupt.");
                }
            }
        }
        else if (entry.IsDirectory)
        {
            try
            {
                var listing = await store.Content.ReadListingAsync(entry.Hash, cancellationToken);
                var missing = listing.PartHashes.Where(part => !verified.Contains(part)).ToList();
                problems.AddRange(missing.Select(part => $"{where}{entry.Name} needs tree part {part}, which is missing or corrupt."));
                if (missing.Count > 0)
                {
                    return;
                }

                var prefix = entry.Name.Length == 0 ? where : $"{where}{entry.Name}/";
                await foreach (var child in listing.EntriesAsync(cancellationToken))
                {
                    await CheckReachableAsync(child, prefix, verified, problems, cancellationToken);
                }
            }
            catch (PipeException e) when (e.Code == ErrorCodes.Corrupt)
            {
                problems.Add($"{where}{entry.Name}: {e.Message}"); // a malformed tree (its bytes match its hash): reported, the rest still checked
            }
        }
    }
}
