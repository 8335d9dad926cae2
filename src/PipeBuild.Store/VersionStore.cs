using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using PipeBuild.Core;
using PipeBuild.Core.Pipelines;

namespace PipeBuild.Store;

/// <summary>
/// Repos, branches, commits and files (Pachyderm's PFS) over any <see cref="IObjectStore"/>. Content is
/// written first; a branch then moves by one compare-and-swap of its document, retried against the new head
/// when another writer won, so a crash leaves the old or the new commit and concurrent writers lose nothing.
/// </summary>
public sealed class VersionStore(IObjectStore objects, TimeProvider? timeProvider = null)
{
    private const int MaxAttempts = 200;
    private readonly TimeProvider time = timeProvider ?? TimeProvider.System;

    public IObjectStore Objects => objects;

    public ContentStore Content { get; } = new(objects);

    // ---- repos ----------------------------------------------------------------------------------------

    public async Task<RepoInfo> CreateRepoAsync(string name, string? description, CancellationToken cancellationToken)
    {
        Names.Validate(name, "repo");
        var repo = new RepoInfo(name, time.GetUtcNow(), description);
        if (await objects.TryWriteDocumentAsync(StoreKeys.Repo(name), StoreJson.Serialize(repo), null, cancellationToken) is null)
        {
            throw new PipeException(ErrorCodes.RepoExists, $"repo '{name}' already exists. Use another name, or 'dotnet pipe repo delete {name}' first.");
        }

        await RemoveLeftoversAsync(name, cancellationToken); // of a delete of an earlier repo of that name, cut short by a crash
        return repo;
    }

    public async Task<RepoInfo> GetRepoAsync(string name, CancellationToken cancellationToken)
    {
        Names.Validate(name, "repo");
        var document = await objects.ReadDocumentAsync(StoreKeys.Repo(name), cancellationToken)
            ?? throw new PipeException(ErrorCodes.RepoNotFound, $"repo '{name}' not found. 'dotnet pipe repo list' shows the repos; 'dotnet pipe repo create {name}' makes it.");
        return ReadRepo(document.Content, StoreKeys.Repo(name), name);
    }

    public async Task<IReadOnlyList<RepoInfo>> ListReposAsync(CancellationToken cancellationToken)
    {
        var repos = new List<RepoInfo>();
        await foreach (var key in objects.ListAsync(StoreKeys.ReposPrefix, cancellationToken))
        {
            var document = await objects.ReadDocumentAsync(key, cancellationToken);
            if (document is not null)
            {
                repos.Add(ReadRepo(document.Content, key, key[StoreKeys.ReposPrefix.Length..]));
            }
        }

        return [.. repos.OrderBy(r => r.Name, StringComparer.Ordinal)];
    }

    /// <summary>
    /// Deletes a repo and its history. Refused while <paramref name="readers"/> names something that reads it (the
    /// engine's pipelines: the store knows nothing of them); null deletes it whoever reads it.
    /// </summary>
    public async Task DeleteRepoAsync(string name, RepoReaders? readers, CancellationToken cancellationToken)
    {
        var repoDocument = await objects.ReadDocumentAsync(StoreKeys.Repo(Names.Validate(name, "repo")), cancellationToken);
        if (repoDocument is null)
        {
            await GetRepoAsync(name, cancellationToken); // throws the not-found error
            return;
        }

        if (readers is not null && await readers(name, cancellationToken) is { Count: > 0 } reading)
        {
            throw new PipeException(
                ErrorCodes.RepoInUse,
                $"repo '{name}' is an input of pipeline(s) {string.Join(", ", reading.Select(r => $"'{r}'"))}. Delete those pipelines first, or pass --force.");
        }

        // The repo document goes first: once it is gone the repo is gone for every reader, and a crash
        // part-way leaves only unreachable keys, which CreateRepoAsync clears and gc collects.
        if (!await objects.TryDeleteDocumentAsync(StoreKeys.Repo(name), repoDocument.Version, cancellationToken))
        {
            throw new PipeException(ErrorCodes.Contention, $"repo '{name}' changed while it was being deleted; try again.");
        }

        await RemoveLeftoversAsync(name, cancellationToken);
    }

    // ---- branches -------------------------------------------------------------------------------------

    public async Task<BranchInfo?> TryGetBranchAsync(string repo, string branch, CancellationToken cancellationToken)
    {
        var document = await ReadBranchAsync(repo, branch, cancellationToken);
        return document is null ? null : ToBranch(repo, branch, document.Value.Branch);
    }

    public async Task<IReadOnlyList<BranchInfo>> ListBranchesAsync(string repo, CancellationToken cancellationToken)
    {
        await GetRepoAsync(repo, cancellationToken);
        var branches = new List<BranchInfo>();
        await foreach (var key in objects.ListAsync(StoreKeys.BranchesOf(repo), cancellationToken))
        {
            var name = key[(key.LastIndexOf('/') + 1)..];
            var branch = await TryGetBranchAsync(repo, name, cancellationToken);
            if (branch is not null)
            {
                branches.Add(branch);
            }
        }

        return [.. branches.OrderBy(b => b.Name, StringComparer.Ordinal)];
    }

    /// <summary>Creates a branch or moves it to <paramref name="head"/> (a rollback when head is an ancestor).</summary>
    public async Task<BranchInfo> CreateBranchAsync(string repo, string branch, CommitRef? head, CancellationToken cancellationToken)
    {
        await GetRepoAsync(repo, cancellationToken);
        Names.Validate(branch, "branch");
        string? target = null;
        if (head is not null)
        {
            if (head.Repo != repo)
            {
                throw new PipeException(ErrorCodes.InvalidReference, $"--head '{head}' must name a commit of repo '{repo}'.");
            }

            var commit = await ResolveAsync(head, cancellationToken);
            if (commit.IsOpen)
            {
                throw new PipeException(ErrorCodes.CommitNotOpen, $"--head '{head}' names the open commit {commit.Id}; finish it first.");
            }

            target = commit.Id;
        }

        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var current = await ReadBranchAsync(repo, branch, cancellationToken);
            if (current?.Branch.Open is { } open)
            {
                throw new PipeException(ErrorCodes.CommitAlreadyOpen, $"branch '{repo}@{branch}' has the open commit {open}; finish or delete it before moving the branch.");
            }

            var document = new BranchDocument(target ?? current?.Branch.Head, null);
            if (current?.Branch.Head is { } moved && moved != document.Head)
            {
                await KeepAsync(repo, branch, moved, cancellationToken);
            }

            await objects.FlushAsync(cancellationToken);
            if (await objects.TryWriteDocumentAsync(StoreKeys.Branch(repo, branch), StoreJson.Serialize(document), current?.Version, cancellationToken) is not null)
            {
                if (document.Head != current?.Branch.Head)
                {
                    await FireTriggersOnAsync(repo, branch, cancellationToken);
                }

                return ToBranch(repo, branch, document);
            }
        }

        throw Contention(repo, branch);
    }

    public async Task DeleteBranchAsync(string repo, string branch, CancellationToken cancellationToken)
    {
        await GetRepoAsync(repo, cancellationToken);
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var current = await ReadBranchAsync(repo, branch, cancellationToken)
                ?? throw BranchNotFound(repo, branch);
            if (current.Branch.Head is { } head)
            {
                await KeepAsync(repo, branch, head, cancellationToken);
                await objects.FlushAsync(cancellationToken);
            }

            if (await objects.TryDeleteDocumentAsync(StoreKeys.Branch(repo, branch), current.Version, cancellationToken))
            {
                await objects.DeleteAsync(StoreKeys.Trigger(repo, branch), cancellationToken);
                return;
            }
        }

        throw Contention(repo, branch);
    }

    // ---- triggers -------------------------------------------------------------------------------------

    /// <summary>The trigger set on <paramref name="branch"/>, or null.</summary>
    public async Task<BranchTrigger?> GetTriggerAsync(string repo, string branch, CancellationToken cancellationToken)
    {
        var key = StoreKeys.Trigger(repo, branch);
        return Names.IsValid(branch) && await objects.ReadDocumentAsync(key, cancellationToken) is { } document
            ? StoreJson.Deserialize<BranchTrigger>(document.Content, key)
            : null;
    }

    /// <summary>
    /// Sets <paramref name="trigger"/> on <paramref name="branch"/>, creating the branch (with no commits) if it is new,
    /// then moves it at once if the condition already holds. The trigger branch need not exist yet, as in Pachyderm.
    /// </summary>
    public async Task<BranchInfo> SetTriggerAsync(string repo, string branch, BranchTrigger trigger, CancellationToken cancellationToken)
    {
        await GetRepoAsync(repo, cancellationToken);
        Names.Validate(branch, "branch");
        if (trigger.Problem(branch) is { } problem)
        {
            throw new PipeException(ErrorCodes.InvalidArguments, $"trigger {problem.Field} on '{repo}@{branch}': {problem.Message}");
        }

        // Branches triggered in a ring would each wait for the other: refused, as Pachyderm refuses them.
        for (var next = await GetTriggerAsync(repo, trigger.Branch, cancellationToken); next is not null; next = await GetTriggerAsync(repo, next.Branch, cancellationToken))
        {
            if (next.Branch == branch)
            {
                throw new PipeException(ErrorCodes.InvalidArguments, $"trigger branch on '{repo}@{branch}': '{trigger.Branch}' already follows '{branch}' through its own trigger, so each would wait for the other; name a branch that does not.");
            }
        }

        if (await ReadBranchAsync(repo, branch, cancellationToken) is null)
        {
            // lost to another writer making the branch: theirs stands
            await objects.TryWriteDocumentAsync(StoreKeys.Branch(repo, branch), StoreJson.Serialize(new BranchDocument(null, null)), null, cancellationToken);
        }

        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var current = await objects.ReadDocumentAsync(StoreKeys.Trigger(repo, branch), cancellationToken);
            if (await objects.TryWriteDocumentAsync(StoreKeys.Trigger(repo, branch), StoreJson.Serialize(trigger), current?.Version, cancellationToken) is not null)
            {
                await FireTriggerAsync(repo, branch, time.GetUtcNow(), cancellationToken);
                return await TryGetBranchAsync(repo, branch, cancellationToken) ?? throw BranchNotFound(repo, branch);
            }
        }

        throw Contention(repo, branch);
    }

    /// <summary>
    /// Moves <paramref name="branch"/> to its trigger branch's head if its trigger's condition holds at
    /// <paramref name="now"/> (the cron condition needs a clock; the others hold or not whenever they are looked at),
    /// and then the branches triggered by it. False when it has no trigger or stays where it is.
    /// </summary>
    public async Task<bool> FireTriggerAsync(string repo, string branch, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (await GetTriggerAsync(repo, branch, cancellationToken) is not { } trigger || !await TryFireAsync(repo, branch, trigger, now, cancellationToken))
        {
            return false;
        }

        await FireTriggersOnAsync(repo, branch, cancellationToken);
        return true;
    }

    /// <summary>After <paramref name="branch"/>'s head moved: moves the branches it triggers whose conditions now hold, and those they trigger in turn.</summary>
    private async Task FireTriggersOnAsync(string repo, string branch, CancellationToken cancellationToken)
    {
        var prefix = StoreKeys.TriggersOf(repo);
        var moved = new HashSet<string>(StringComparer.Ordinal) { branch };
        var pending = new Queue<string>(moved);
        while (pending.TryDequeue(out var source))
        {
            await foreach (var key in objects.ListAsync(prefix, cancellationToken))
            {
                var triggered = key[prefix.Length..];
                if (await GetTriggerAsync(repo, triggered, cancellationToken) is { } trigger && trigger.Branch == source
                    && await TryFireAsync(repo, triggered, trigger, now: null, cancellationToken) && moved.Add(triggered))
                {
                    pending.Enqueue(triggered);
                }
            }
        }
    }

    /// <summary>
    /// The trigger on <paramref name="branch"/> and the commit it would move the branch to at <paramref name="now"/>, or
    /// null when it has none or its condition does not hold: what <c>status</c> reports, without moving anything.
    /// </summary>
    public async Task<(BranchTrigger Trigger, string Head)?> TriggerDueAsync(string repo, string branch, DateTimeOffset now, CancellationToken cancellationToken) =>
        await GetTriggerAsync(repo, branch, cancellationToken) is { } trigger && await DueAsync(repo, branch, trigger, now, cancellationToken) is { } due
            ? (trigger, due.Head)
            : null;

    /// <summary>
    /// Moves <paramref name="branch"/> to the head of <paramref name="trigger"/>'s branch if the condition holds, keeping the
    /// head it moves off for gc (<see cref="KeptCommitDocument"/>): usually an ancestor, but a branch may have commits of its own.
    /// </summary>
    private async Task<bool> TryFireAsync(string repo, string branch, BranchTrigger trigger, DateTimeOffset? now, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            if (await DueAsync(repo, branch, trigger, now, cancellationToken) is not { } due)
            {
                return false;
            }

            // The branch may hold commits of its own the trigger branch does not: kept, as a branch create --head keeps them.
            if (due.Old is { } old)
            {
                await KeepAsync(repo, branch, old, cancellationToken);
                await objects.FlushAsync(cancellationToken);
            }

            if (await objects.TryWriteDocumentAsync(StoreKeys.Branch(repo, branch), StoreJson.Serialize(new BranchDocument(due.Head, null)), due.Version, cancellationToken) is not null)
            {
                return true;
            }
        }

        throw Contention(repo, branch);
    }

    /// <summary>
    /// The head <paramref name="branch"/> moves to if <paramref name="trigger"/>'s condition holds, with the version of the
    /// branch document it was judged against; null when it does not. Without <paramref name="now"/> the cron condition is
    /// judged at the time that head was made, as Pachyderm judges it when a commit lands.
    /// </summary>
    private async Task<(string Head, string Version, string? Old)?> DueAsync(string repo, string branch, BranchTrigger trigger, DateTimeOffset? now, CancellationToken cancellationToken)
    {
        var source = await ReadBranchAsync(repo, trigger.Branch, cancellationToken);
        var current = await ReadBranchAsync(repo, branch, cancellationToken);
        if (source?.Branch.Head is not { } newId || current is not { } target || target.Branch.Open is not null || target.Branch.Head == newId)
        {
            return null; // nothing to move to, the branch was deleted, or a commit is being written to it
        }

        var newHead = await GetCommitAsync(repo, newId, cancellationToken);
        var oldHead = target.Branch.Head is { } oldId ? await GetCommitAsync(repo, oldId, cancellationToken) : null;
        return await HoldsAsync(trigger, oldHead, newHead, now ?? newHead.Finished ?? newHead.Started, cancellationToken) ? (newId, target.Version, target.Branch.Head) : null;
    }

    /// <summary>Pachyderm's conditions, between the triggered branch's head (<paramref name="oldHead"/>, null when it has none) and the trigger branch's.</summary>
    private async Task<bool> HoldsAsync(BranchTrigger trigger, CommitInfo? oldHead, CommitInfo newHead, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var conditions = new List<bool>();
        if (trigger.Size is { } size && ByteSizes.TryParse(size, out var bytes))
        {
            conditions.Add(newHead.Size - (oldHead?.Size ?? 0) >= bytes);
        }

        if (trigger.Cron is { } cron)
        {
            conditions.Add(oldHead is null || new CronSchedule(cron).Next(oldHead.Finished ?? oldHead.Started) is { } tick && tick <= now);
        }

        if (trigger.Commits is { } commits)
        {
            var since = 0;
            await foreach (var commit in HistoryAsync(newHead, cancellationToken))
            {
                if (commit.Id == oldHead?.Id || ++since == commits)
                {
                    break;
                }
            }

            conditions.Add(since >= commits);
        }

        return conditions.Count > 0 && (trigger.All ? conditions.All(c => c) : conditions.Contains(true));
    }

    /// <summary>Records that <paramref name="branch"/> is moving off <paramref name="head"/>, before it does (a crash in between keeps one commit too many, never one too few).</summary>
    private Task KeepAsync(string repo, string branch, string head, CancellationToken cancellationToken) =>
        objects.PutIfAbsentAsync(StoreKeys.KeptCommit(repo, head), StoreJson.Serialize(new KeptCommitDocument(branch, time.GetUtcNow())), cancellationToken);

    // ---- commits --------------------------------------------------------------------------------------

    /// <summary>Resolves a reference (branch, id prefix, ancestry) to a commit, open or finished.</summary>
    public async Task<CommitInfo> ResolveAsync(CommitRef reference, CancellationToken cancellationToken)
    {
        var repo = reference.Repo;
        await GetRepoAsync(repo, cancellationToken);
        CommitInfo commit;
        var branch = await ReadBranchAsync(repo, reference.Base, cancellationToken);
        if (branch is not null)
        {
            var id = branch.Value.Branch.Open ?? branch.Value.Branch.Head
                ?? throw new PipeException(ErrorCodes.CommitNotFound, $"branch '{repo}@{reference.Base}' has no commits yet. Put a file first.");
            commit = await GetCommitAsync(repo, id, cancellationToken);
        }
        else
        {
            commit = await FindByPrefixAsync(repo, reference.Base, cancellationToken);
        }

        foreach (var step in reference.Steps)
        {
            commit = step.FromOldest
                ? await NthFromOldestAsync(commit, step.Count, reference, cancellationToken)
                : await AncestorAsync(commit, step.Count, reference, cancellationToken);
        }

        return commit;
    }

    /// <summary>A commit by its full id: finished, or still open.</summary>
    public async Task<CommitInfo> GetCommitAsync(string repo, string id, CancellationToken cancellationToken)
    {
        if (await objects.TryReadAsync(StoreKeys.Commit(repo, id), cancellationToken) is { } finished)
        {
            return CommitSeal.Read(finished, StoreKeys.Commit(repo, id), repo, id);
        }

        var open = await objects.TryReadAsync(StoreKeys.OpenCommit(repo, id), cancellationToken)
            ?? throw new PipeException(ErrorCodes.CommitNotFound, $"commit {id} of repo '{repo}' not found; run 'dotnet pipe fsck'.", ExitCodes.InternalError);
        return CommitSeal.Read(open, StoreKeys.OpenCommit(repo, id), repo, id);
    }

    /// <summary>The commits of a branch (or of every branch), newest first.</summary>
    public async Task<IReadOnlyList<CommitInfo>> ListCommitsAsync(string repo, string? branch, int limit, CancellationToken cancellationToken)
    {
        await GetRepoAsync(repo, cancellationToken);
        var heads = new List<string>();
        foreach (var b in branch is null ? await ListBranchesAsync(repo, cancellationToken) : [await TryGetBranchAsync(repo, branch, cancellationToken) ?? throw BranchNotFound(repo, branch)])
        {
            if ((b.Open ?? b.Head) is { } id)
            {
                heads.Add(id);
            }
        }

        var seen = new Dictionary<string, CommitInfo>();
        foreach (var head in heads)
        {
            if (seen.ContainsKey(head))
            {
                continue;
            }

            await foreach (var commit in HistoryAsync(await GetCommitAsync(repo, head, cancellationToken), cancellationToken))
            {
                if (seen.Count >= limit || !seen.TryAdd(commit.Id, commit))
                {
                    break; // the rest of this history was listed from another branch
                }
            }
        }

        return [.. seen.Values.OrderByDescending(c => c.Started).Take(limit)];
    }

    /// <summary>
    /// <paramref name="commit"/>, then its parent, and so on to the first commit. Each parent must match the seal its
    /// child recorded, and a parent seen before (a loop, which only an edited store can hold) ends the walk: both are
    /// <see cref="ErrorCodes.Corrupt"/>, so no walk of history reads a changed commit or runs for ever.
    /// </summary>
    public async IAsyncEnumerable<CommitInfo> HistoryAsync(CommitInfo commit, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (CommitInfo? current = commit; current is not null;)
        {
            if (!seen.Add(current.Id))
            {
                throw StoreJson.Damaged(StoreKeys.Commit(commit.Repo, current.Id), $"the history of {commit.Repo}@{commit.Id} comes back to it, a loop");
            }

            yield return current;
            if (current.Parent is not { } parentId)
            {
                break;
            }

            var parent = await GetCommitAsync(current.Repo, parentId, cancellationToken);
            if (current.ParentSeal is { } expected && expected != parent.Seal)
            {
                throw StoreJson.Damaged(StoreKeys.Commit(current.Repo, parentId), $"it is not the commit {current.Id} was made on: its seal changed");
            }

            current = parent;
        }
    }

    /// <summary>Opens a commit on <paramref name="branch"/>, made by <paramref name="origin"/> (a user when null).</summary>
    public async Task<CommitInfo> StartCommitAsync(string repo, string branch, string? description, CancellationToken cancellationToken, CommitOrigin? origin = null)
    {
        origin ??= CommitOrigin.User;
        await GetRepoAsync(repo, cancellationToken);
        Names.Validate(branch, "branch");
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var current = await ReadBranchAsync(repo, branch, cancellationToken);
            if (current?.Branch.Open is { } open)
            {
                throw new PipeException(ErrorCodes.CommitAlreadyOpen, $"branch '{repo}@{branch}' already has the open commit {open}. Finish it with 'dotnet pipe commit finish {repo}@{branch}'.");
            }

            var parent = current?.Branch.Head is { } head ? await GetCommitAsync(repo, head, cancellationToken) : null;
            var commit = NewCommit(repo, branch, parent, description) with { Finished = null, Origin = origin.Origin, Provenance = origin.Provenance };
            var openKey = StoreKeys.OpenCommit(repo, commit.Id);
            await objects.TryWriteDocumentAsync(openKey, StoreJson.Serialize(commit), null, cancellationToken);
            var document = new BranchDocument(current?.Branch.Head, commit.Id);
            if (await objects.TryWriteDocumentAsync(StoreKeys.Branch(repo, branch), StoreJson.Serialize(document), current?.Version, cancellationToken) is not null)
            {
                return commit;
            }

            await objects.DeleteAsync(openKey, cancellationToken);
        }

        throw Contention(repo, branch);
    }

    /// <summary>Finishes the open commit that <paramref name="reference"/> names (a branch or the commit's id).</summary>
    public async Task<CommitInfo> FinishCommitAsync(CommitRef reference, string? description, CancellationToken cancellationToken)
    {
        var commit = await ResolveAsync(reference, cancellationToken);
        if (!commit.IsOpen || !reference.IsPlain)
        {
            throw new PipeException(ErrorCodes.CommitNotOpen, $"commit {commit.Id} of '{reference.Repo}' is not open, so it cannot be finished. 'dotnet pipe commit list {reference.Repo}' shows which commits are open.");
        }

        return await FinishAsync(commit.Repo, commit.Id, description, cancellationToken);
    }

    /// <summary>Discards an open commit, or removes a branch's newest commit by moving the branch to its parent.</summary>
    public async Task<CommitInfo> DeleteCommitAsync(CommitRef reference, CancellationToken cancellationToken)
    {
        var commit = await ResolveAsync(reference, cancellationToken);
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var branch = await ReadBranchAsync(commit.Repo, commit.Branch, cancellationToken);
            var isOpenHere = branch?.Branch.Open == commit.Id;
            if (branch is null || (!isOpenHere && branch.Value.Branch.Head != commit.Id))
            {
                throw new PipeException(ErrorCodes.CommitHasChildren, $"commit {commit.Id} is not the newest commit of '{commit.Repo}@{commit.Branch}'; only a branch's newest or open commit can be deleted.");
            }

            var document = isOpenHere ? branch.Value.Branch with { Open = null } : new BranchDocument(commit.Parent, null);
            if (await objects.TryWriteDocumentAsync(StoreKeys.Branch(commit.Repo, commit.Branch), StoreJson.Serialize(document), branch.Value.Version, cancellationToken) is not null)
            {
                if (isOpenHere)
                {
                    await objects.DeleteAsync(StoreKeys.OpenCommit(commit.Repo, commit.Id), cancellationToken);
                }

                return commit;
            }
        }

        throw Contention(commit.Repo, commit.Branch);
    }

    // ---- files ----------------------------------------------------------------------------------------

    /// <summary>
    /// Applies <paramref name="edit"/> to the tree of <paramref name="target"/>: into its open commit if it has
    /// one (the commit stays open), otherwise as a new commit on the branch (created if absent). The edit may
    /// run more than once when another writer moves the branch meanwhile, so it must only describe changes.
    /// </summary>
    public async Task<CommitInfo> WriteAsync(
        CommitRef target, string? description, Func<TreeEditor, CancellationToken, Task> edit, CancellationToken cancellationToken, CommitOrigin? origin = null) =>
        (await TryWriteAsync(
            target,
            description,
            async (editor, ct) =>
            {
                await edit(editor, ct);
                return true;
            },
            cancellationToken,
            origin))!; // an edit that never declines always writes

    /// <summary>
    /// <see cref="WriteAsync"/> with an edit that may decline, having seen the tree it would edit: when
    /// <paramref name="edit"/> returns false, nothing is written and the result is null.
    /// </summary>
    public async Task<CommitInfo?> TryWriteAsync(
        CommitRef target, string? description, Func<TreeEditor, CancellationToken, Task<bool>> edit, CancellationToken cancellationToken, CommitOrigin? origin = null)
    {
        origin ??= CommitOrigin.User;
        var repo = target.Repo;
        await GetRepoAsync(repo, cancellationToken);
        if (!target.IsPlain)
        {
            throw NotWritable(target, "an ancestry reference names a finished commit");
        }

        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var (branch, openId) = await ResolveWriteTargetAsync(target, cancellationToken);
            if (openId is not null)
            {
                var (done, written) = await TryWriteOpenAsync(repo, openId, edit, cancellationToken);
                if (done)
                {
                    return written;
                }

                continue;
            }

            var parent = branch?.Branch.Head is { } head ? await GetCommitAsync(repo, head, cancellationToken) : null;
            var editor = new TreeEditor(Content, parent?.Tree ?? ContentStore.EmptyTree);
            if (!await edit(editor, cancellationToken))
            {
                return null;
            }

            var (tree, size) = await editor.SaveAsync(cancellationToken);
            var commit = CommitSeal.Seal(NewCommit(repo, target.Base, parent, description) with { Tree = tree, Size = size, Origin = origin.Origin, Provenance = origin.Provenance });
            var commitKey = StoreKeys.Commit(repo, commit.Id);
            await objects.PutIfAbsentAsync(commitKey, StoreJson.Serialize(commit), cancellationToken);
            await objects.FlushAsync(cancellationToken);
            var document = new BranchDocument(commit.Id, null);
            if (await objects.TryWriteDocumentAsync(StoreKeys.Branch(repo, target.Base), StoreJson.Serialize(document), branch?.Version, cancellationToken) is not null)
            {
                await FireTriggersOnAsync(repo, target.Base, cancellationToken);
                return commit;
            }

            await objects.DeleteAsync(commitKey, cancellationToken); // lost the race: never reachable, retry on the new head
            await Task.Delay(Random.Shared.Next(1, 5 + attempt), cancellationToken);
        }

        throw Contention(repo, target.Base);
    }

    /// <summary>Throws unless <paramref name="target"/> can be written (checked before content is stored).</summary>
    public async Task EnsureWritableAsync(CommitRef target, CancellationToken cancellationToken)
    {
        await GetRepoAsync(target.Repo, cancellationToken);
        if (!target.IsPlain)
        {
            throw NotWritable(target, "an ancestry reference names a finished commit");
        }

        await ResolveWriteTargetAsync(target, cancellationToken);
    }

    /// <summary>The branch to commit to (null: a new branch), or the open commit to write into.</summary>
    private async Task<((BranchDocument Branch, string Version)? Branch, string? OpenId)> ResolveWriteTargetAsync(CommitRef target, CancellationToken cancellationToken)
    {
        var branch = await ReadBranchAsync(target.Repo, target.Base, cancellationToken);
        if (branch is not null)
        {
            return (branch, branch.Value.Branch.Open);
        }

        if (await TryFindByPrefixAsync(target.Repo, target.Base, cancellationToken) is { } byId)
        {
            return (null, byId.IsOpen ? byId.Id : throw NotWritable(target, $"commit {byId.Id} is finished"));
        }

        return (null, null);
    }

    /// <summary>The entry at <paramref name="path"/> in a commit; the root is a directory entry named "".</summary>
    public async Task<TreeEntry?> GetEntryAsync(CommitInfo commit, string path, CancellationToken cancellationToken)
    {
        if (path.Length == 0)
        {
            return commit.Root;
        }

        var editor = new TreeEditor(Content, commit.Tree);
        return await editor.GetAsync(path, cancellationToken);
    }

    public async Task<TreeEntry> GetExistingEntryAsync(CommitInfo commit, string path, CancellationToken cancellationToken) =>
        await GetEntryAsync(commit, path, cancellationToken)
        ?? throw new PipeException(ErrorCodes.PathNotFound, $"'{RepoPath.Display(path)}' not found in {commit.Repo}@{commit.Id}. 'dotnet pipe file list {commit.Repo}@{commit.Id}' shows what is there.");

    /// <summary>Every file under <paramref name="entry"/> with its path relative to the repo root, depth first in name order.</summary>
    public async IAsyncEnumerable<(string Path, TreeEntry Entry)> WalkFilesAsync(
        string path, TreeEntry entry, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (!entry.IsDirectory)
        {
            yield return (path, entry);
            yield break;
        }

        foreach (var child in await Content.ReadTreeAsync(entry.Hash, cancellationToken))
        {
            await foreach (var item in WalkFilesAsync(RepoPath.Combine(path, child.Name), child, cancellationToken))
            {
                yield return item;
            }
        }
    }

    /// <summary>
    /// Every entry (files and directories) whose path matches <paramref name="pattern"/>, parents before children,
    /// in name order. Streamed, and each directory decoded one entry at a time: a datum plan over a directory of a
    /// million files holds the datums, not a second copy of the directory.
    /// </summary>
    public async IAsyncEnumerable<(string Path, TreeEntry Entry)> GlobAsync(CommitInfo commit, GlobPattern pattern, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (pattern.IsMatch(""))
        {
            yield return ("", commit.Root);
        }

        await foreach (var match in GlobAsync("", commit.Tree, 1, pattern, cancellationToken))
        {
            yield return match;
        }
    }

    /// <summary>The file differences from <paramref name="old"/> to <paramref name="new"/>, comparing hashes only.</summary>
    public async Task<IReadOnlyList<FileChange>> DiffAsync(TreeEntry? old, TreeEntry? @new, string path, CancellationToken cancellationToken)
    {
        var changes = new List<FileChange>();
        foreach (var (changed, before, after) in await DiffEntriesAsync(old, @new, path, int.MaxValue, cancellationToken))
        {
            var (wasFile, isFile) = (before is { IsDirectory: false }, after is { IsDirectory: false });
            if (wasFile || isFile)
            {
                changes.Add(new FileChange(
                    (wasFile, isFile) switch { (true, true) => FileChangeKind.Modified, (true, _) => FileChangeKind.Removed, _ => FileChangeKind.Added },
                    changed,
                    wasFile ? before!.Size : null,
                    isFile ? after!.Size : null));
            }
        }

        return changes;
    }

    /// <summary>
    /// Every path whose entry differs between two trees (added, removed, or another hash or kind), directories
    /// included, parents before children, down to <paramref name="maxDepth"/> segments below the root. Only
    /// directories whose hashes differ are read, so the work follows the size of the change, not of the trees.
    /// </summary>
    public async Task<IReadOnlyList<EntryChange>> DiffEntriesAsync(TreeEntry? old, TreeEntry? @new, string path, int maxDepth, CancellationToken cancellationToken)
    {
        var changes = new List<EntryChange>();
        await DiffEntriesAsync(old, @new, path, 0, maxDepth, changes, cancellationToken);
        return changes;
    }

    private async Task DiffEntriesAsync(TreeEntry? old, TreeEntry? @new, string path, int depth, int maxDepth, List<EntryChange> changes, CancellationToken cancellationToken)
    {
        if (old?.Hash == @new?.Hash && old?.Kind == @new?.Kind)
        {
            return;
        }

        changes.Add(new EntryChange(path, old, @new));
        if (depth >= maxDepth || (old is not { IsDirectory: true } && @new is not { IsDirectory: true }))
        {
            return;
        }

        var before = old is { IsDirectory: true } ? await Content.ReadListingAsync(old.Hash, cancellationToken) : null;
        var after = @new is { IsDirectory: true } ? await Content.ReadListingAsync(@new.Hash, cancellationToken) : null;
        await foreach (var (left, right) in TreeListing.DiffAsync(before, after, cancellationToken))
        {
            await DiffEntriesAsync(left, right, RepoPath.Combine(path, (left ?? right)!.Name), depth + 1, maxDepth, changes, cancellationToken);
        }
    }

    private async IAsyncEnumerable<(string Path, TreeEntry Entry)> GlobAsync(
        string path, string treeHash, int depth, GlobPattern pattern, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (depth > pattern.MaxDepth)
        {
            yield break;
        }

        await foreach (var entry in (await Content.ReadListingAsync(treeHash, cancellationToken)).EntriesAsync(cancellationToken))
        {
            var entryPath = RepoPath.Combine(path, entry.Name);
            if (pattern.IsMatch(entryPath))
            {
                yield return (entryPath, entry);
            }

            if (entry.IsDirectory)
            {
                await foreach (var match in GlobAsync(entryPath, entry.Hash, depth + 1, pattern, cancellationToken))
                {
                    yield return match;
                }
            }
        }
    }

    // ---- internals ------------------------------------------------------------------------------------

    /// <summary>Edits an open commit; not <c>Done</c> when it was finished or written meanwhile (the caller re-reads the branch), no commit when the edit declined.</summary>
    private async Task<(bool Done, CommitInfo? Written)> TryWriteOpenAsync(string repo, string id, Func<TreeEditor, CancellationToken, Task<bool>> edit, CancellationToken cancellationToken)
    {
        var key = StoreKeys.OpenCommit(repo, id);
        var document = await objects.ReadDocumentAsync(key, cancellationToken);
        if (document is null)
        {
            return (false, null); // finished meanwhile
        }

        var commit = CommitSeal.Read(document.Content, key, repo, id);
        if (!commit.IsOpen)
        {
            await FreezeAsync(commit, cancellationToken); // a finish is under way (or crashed): complete it
            return (false, null);
        }

        var editor = new TreeEditor(Content, commit.Tree);
        if (!await edit(editor, cancellationToken))
        {
            return (true, null);
        }

        var (tree, size) = await editor.SaveAsync(cancellationToken);
        var updated = commit with { Tree = tree, Size = size };
        return await objects.TryWriteDocumentAsync(key, StoreJson.Serialize(updated), document.Version, cancellationToken) is not null ? (true, updated) : (false, null);
    }

    /// <summary>
    /// Finishing is two steps so that no write is lost: the open document is first marked finished by
    /// compare-and-swap (a writer holding the old version then fails and retries), then frozen into the
    /// immutable commit object and the branch moved.
    /// </summary>
    private async Task<CommitInfo> FinishAsync(string repo, string id, string? description, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var finished = await objects.TryReadAsync(StoreKeys.Commit(repo, id), cancellationToken);
            if (finished is not null)
            {
                var commit = CommitSeal.Read(finished, StoreKeys.Commit(repo, id), repo, id);
                await CompleteFinishAsync(repo, commit, cancellationToken);
                return commit;
            }

            var key = StoreKeys.OpenCommit(repo, id);
            var open = await objects.ReadDocumentAsync(key, cancellationToken)
                ?? throw new PipeException(ErrorCodes.CommitNotFound, $"open commit {id} of repo '{repo}' not found.");
            var marked = CommitSeal.Read(open.Content, key, repo, id);
            if (marked.IsOpen)
            {
                marked = marked with { Finished = time.GetUtcNow(), Description = description ?? marked.Description };
                if (await objects.TryWriteDocumentAsync(key, StoreJson.Serialize(marked), open.Version, cancellationToken) is null)
                {
                    continue;
                }
            }

            return await FreezeAsync(marked, cancellationToken);
        }

        throw Contention(repo, id);
    }

    private async Task<CommitInfo> FreezeAsync(CommitInfo marked, CancellationToken cancellationToken)
    {
        await objects.PutIfAbsentAsync(StoreKeys.Commit(marked.Repo, marked.Id), StoreJson.Serialize(CommitSeal.Seal(marked)), cancellationToken);
        await objects.FlushAsync(cancellationToken);
        var frozen = await GetCommitAsync(marked.Repo, marked.Id, cancellationToken);
        await CompleteFinishAsync(marked.Repo, frozen, cancellationToken);
        return frozen;
    }

    /// <summary>Moves the branch from "open commit" to "head" once the commit object exists (also crash recovery).</summary>
    private async Task CompleteFinishAsync(string repo, CommitInfo commit, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var key = StoreKeys.Branch(repo, commit.Branch);
            var branch = await objects.ReadDocumentAsync(key, cancellationToken);
            if (branch is not null && ReadBranch(branch.Content, key).Open == commit.Id)
            {
                if (await objects.TryWriteDocumentAsync(key, StoreJson.Serialize(new BranchDocument(commit.Id, null)), branch.Version, cancellationToken) is null)
                {
                    continue;
                }

                await objects.DeleteAsync(StoreKeys.OpenCommit(repo, commit.Id), cancellationToken);
                await FireTriggersOnAsync(repo, commit.Branch, cancellationToken);
                return;
            }

            await objects.DeleteAsync(StoreKeys.OpenCommit(repo, commit.Id), cancellationToken);
            return;
        }

        throw Contention(repo, commit.Branch);
    }

    private async Task<(BranchDocument Branch, string Version)?> ReadBranchAsync(string repo, string branch, CancellationToken cancellationToken)
    {
        if (!Names.IsValid(branch))
        {
            return null;
        }

        var document = await objects.ReadDocumentAsync(StoreKeys.Branch(repo, branch), cancellationToken);
        if (document is null)
        {
            return null;
        }

        var value = ReadBranch(document.Content, StoreKeys.Branch(repo, branch));
        if (value.Open is { } open && await objects.TryReadAsync(StoreKeys.Commit(repo, open), cancellationToken) is { } finished)
        {
            // A finish was interrupted after freezing the commit: complete it, then read again.
            await CompleteFinishAsync(repo, CommitSeal.Read(finished, StoreKeys.Commit(repo, open), repo, open), cancellationToken);
            return await ReadBranchAsync(repo, branch, cancellationToken);
        }

        return (value, document.Version);
    }

    private async Task<CommitInfo?> TryFindByPrefixAsync(string repo, string prefix, CancellationToken cancellationToken)
    {
        if (prefix.Length < 4 || !prefix.All(char.IsAsciiHexDigitLower))
        {
            return null;
        }

        var matches = new HashSet<string>(StringComparer.Ordinal);
        foreach (var listing in new[] { StoreKeys.CommitsOf(repo), StoreKeys.OpenCommitsOf(repo) })
        {
            await foreach (var key in objects.ListAsync(listing, cancellationToken))
            {
                var id = key[(key.LastIndexOf('/') + 1)..];
                if (id.StartsWith(prefix, StringComparison.Ordinal))
                {
                    matches.Add(id);
                }
            }
        }

        return matches.Count switch
        {
            0 => null,
            1 => await GetCommitAsync(repo, matches.Single(), cancellationToken),
            _ => throw new PipeException(
                ErrorCodes.AmbiguousCommit,
                $"'{prefix}' matches {matches.Count} commits of '{repo}' ({string.Join(", ", matches.Order().Take(5))}); give more digits."),
        };
    }

    private async Task<CommitInfo> FindByPrefixAsync(string repo, string prefix, CancellationToken cancellationToken) =>
        await TryFindByPrefixAsync(repo, prefix, cancellationToken)
        ?? throw (prefix.Length >= 4 && prefix.All(char.IsAsciiHexDigitLower)
            ? new PipeException(ErrorCodes.CommitNotFound, $"no branch or commit '{prefix}' in repo '{repo}'. 'dotnet pipe commit list {repo}' shows the commits.")
            : BranchNotFound(repo, prefix));

    private async Task<CommitInfo> AncestorAsync(CommitInfo commit, int count, CommitRef reference, CancellationToken cancellationToken)
    {
        var steps = 0;
        await foreach (var ancestor in HistoryAsync(commit, cancellationToken))
        {
            if (steps++ == count)
            {
                return ancestor;
            }
        }

        throw new PipeException(ErrorCodes.CommitNotFound, $"'{reference}' goes back further than the history of '{reference.Repo}@{reference.Base}' ({steps - 1} commit(s) before it).");
    }

    private async Task<CommitInfo> NthFromOldestAsync(CommitInfo commit, int n, CommitRef reference, CancellationToken cancellationToken)
    {
        var chain = new List<CommitInfo>();
        await foreach (var ancestor in HistoryAsync(commit, cancellationToken))
        {
            chain.Add(ancestor);
        }

        return n <= chain.Count ? chain[^n]
            : throw new PipeException(ErrorCodes.CommitNotFound, $"'{reference}' asks for commit {n} but the history has {chain.Count}.");
    }

    private async Task RemoveLeftoversAsync(string repo, CancellationToken cancellationToken)
    {
        foreach (var prefix in new[] { StoreKeys.BranchesOf(repo), StoreKeys.TriggersOf(repo), StoreKeys.OpenCommitsOf(repo), StoreKeys.KeptCommitsOf(repo), StoreKeys.CommitsOf(repo) })
        {
            await foreach (var key in objects.ListAsync(prefix, cancellationToken))
            {
                await objects.DeleteAsync(key, cancellationToken);
            }
        }
    }

    private CommitInfo NewCommit(string repo, string branch, CommitInfo? parent, string? description)
    {
        var now = time.GetUtcNow();
        var header = $"{repo}\n{branch}\n{parent?.Id}\n{now:O}\n{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16))}";
        return new CommitInfo
        {
            Id = ContentHash.Of(Encoding.UTF8.GetBytes(header))[..32],
            Repo = repo,
            Branch = branch,
            Parent = parent?.Id,
            ParentSeal = parent?.Seal,
            Tree = parent?.Tree ?? ContentStore.EmptyTree,
            Size = parent?.Size ?? 0,
            Started = now,
            Finished = now,
            Description = description,
        };
    }

    private static RepoInfo ReadRepo(ReadOnlySpan<byte> data, string key, string name) =>
        StoreJson.Deserialize<RepoInfo>(data, key) is var repo && repo.Name == name ? repo
            : throw StoreJson.Damaged(key, $"it names repo '{repo.Name}'");

    /// <summary>A branch document, whose commits must be commit ids: a head such as '../x' is damage, not a path to follow.</summary>
    private static BranchDocument ReadBranch(ReadOnlySpan<byte> data, string key)
    {
        var branch = StoreJson.Deserialize<BranchDocument>(data, key);
        foreach (var id in new[] { branch.Head, branch.Open })
        {
            if (id is not null && !StoreKeys.IsCommitId(id))
            {
                throw StoreJson.Damaged(key, $"'{id}' is not a commit id");
            }
        }

        return branch;
    }

    private static BranchInfo ToBranch(string repo, string name, BranchDocument document) => new(repo, name, document.Head, document.Open);

    private static PipeException BranchNotFound(string repo, string branch) =>
        new(ErrorCodes.BranchNotFound, $"branch '{branch}' not found in repo '{repo}'. 'dotnet pipe branch list {repo}' shows the branches.");

    private static PipeException NotWritable(CommitRef target, string why) =>
        new(ErrorCodes.CommitFinished, $"cannot write to '{target}': {why}, and finished commits are immutable. Write to a branch (REPO@BRANCH) or an open commit.");

    private static PipeException Contention(string repo, string what) =>
        new(ErrorCodes.Contention, $"'{repo}@{what}' kept changing under concurrent writers; try again.");
}
