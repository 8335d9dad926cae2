using PipeBuild.Core;

namespace PipeBuild.Store.Tests;

public sealed class VersionStoreTests : IDisposable
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly TestStore t = new();

    private VersionStore Store => t.Versions;

    // ---- repos ----------------------------------------------------------------------------------------

    private static readonly RepoReaders NoReaders = (_, _) => Task.FromResult<IReadOnlyList<string>>([]);

    [Fact]
    public async Task ReposAreCreatedListedAndDeleted()
    {
        await Store.CreateRepoAsync("zeta", "last", None);
        var alpha = await Store.CreateRepoAsync("alpha", "first", None);

        Assert.Equal(["alpha", "zeta"], (await Store.ListReposAsync(None)).Select(r => r.Name));
        Assert.Equal("first", (await Store.GetRepoAsync("alpha", None)).Description);
        Assert.Equal(alpha, await Store.GetRepoAsync("alpha", None));

        await Store.DeleteRepoAsync("zeta", NoReaders, None);

        Assert.Equal(["alpha"], (await Store.ListReposAsync(None)).Select(r => r.Name));
    }

    [Fact]
    public async Task ACreatedRepoHasNoBranches()
    {
        await t.CreateRepoAsync("data");

        Assert.Empty(await Store.ListBranchesAsync("data", None));
        await AssertFailsAsync(ErrorCodes.BranchNotFound, () => t.ResolveAsync("data@master"));
    }

    [Fact]
    public async Task CreatingARepoTwiceFails()
    {
        await t.CreateRepoAsync("data");

        await AssertFailsAsync(ErrorCodes.RepoExists, () => t.CreateRepoAsync("data"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("dot.name")]
    [InlineData("a/b")]
    public async Task InvalidRepoNamesAreRefused(string name)
    {
        await AssertFailsAsync(ErrorCodes.InvalidName, () => t.CreateRepoAsync(name));

        Assert.Empty(await Store.ListReposAsync(None));
    }

    [Fact]
    public async Task UnknownReposAreNotFound()
    {
        await AssertFailsAsync(ErrorCodes.RepoNotFound, () => Store.GetRepoAsync("nope", None));
        await AssertFailsAsync(ErrorCodes.RepoNotFound, () => Store.DeleteRepoAsync("nope", NoReaders, None));
        await AssertFailsAsync(ErrorCodes.RepoNotFound, () => t.ResolveAsync("nope@master"));
        await AssertFailsAsync(ErrorCodes.RepoNotFound, () => t.PutTextAsync("nope@master", "a.txt", "a"));
    }

    [Fact]
    public async Task DeletingARepoRemovesItsBranchesAndCommits()
    {
        await t.CreateRepoAsync("data");
        await t.CreateRepoAsync("other");
        await t.PutTextAsync("data@master", "a.txt", "a");
        await t.PutTextAsync("data@dev", "b.txt", "b");
        await Store.StartCommitAsync("data", "master", null, None);
        await t.PutTextAsync("other@master", "c.txt", "c");

        await Store.DeleteRepoAsync("data", NoReaders, None);

        Assert.Empty(await t.ListAsync(StoreKeys.BranchesOf("data")));
        Assert.Empty(await t.ListAsync(StoreKeys.CommitsOf("data")));
        Assert.Empty(await t.ListAsync(StoreKeys.OpenCommitsOf("data")));
        Assert.Equal("c", await t.ReadTextAsync("other@master:/c.txt"));
    }

    [Fact]
    public async Task ARepoRecreatedAfterAnInterruptedDeleteStartsEmpty()
    {
        await t.CreateRepoAsync("data");
        await t.PutTextAsync("data@master", "old.txt", "old");

        // A crash right after the repo document went, before its branches and commits were removed.
        var document = (await t.Objects.ReadDocumentAsync(StoreKeys.Repo("data"), None))!;
        Assert.True(await t.Objects.TryDeleteDocumentAsync(StoreKeys.Repo("data"), document.Version, None));
        await t.CreateRepoAsync("data");

        Assert.Empty(await Store.ListBranchesAsync("data", None));
        await AssertFailsAsync(ErrorCodes.BranchNotFound, () => t.ResolveAsync("data@master"));
        var fresh = await t.PutTextAsync("data@master", "new.txt", "new");
        Assert.Null(fresh.Parent);
        Assert.Equal(["new.txt"], await t.FilesAsync(fresh));
    }

    [Fact]
    public async Task ARepoThatAPipelineReadsIsNotDeletedUnlessForced()
    {
        await t.CreateRepoAsync("data");
        await t.CreateRepoAsync("unrelated");
        await t.PutTextAsync("data@master", "a.txt", "a");
        RepoReaders readers = (repo, _) => Task.FromResult<IReadOnlyList<string>>(repo == "data" ? ["p"] : []);

        var error = await AssertFailsAsync(ErrorCodes.RepoInUse, () => Store.DeleteRepoAsync("data", readers, None));
        Assert.Contains("'p'", error.Message, StringComparison.Ordinal);
        Assert.Equal("a", await t.ReadTextAsync("data@master:/a.txt"));

        await Store.DeleteRepoAsync("unrelated", readers, None);
        await Store.DeleteRepoAsync("data", readers: null, None);

        Assert.Empty(await Store.ListReposAsync(None));
    }

    // ---- commits and ancestry ------------------------------------------------------------------------

    [Fact]
    public async Task EachWriteToABranchIsACommitOnTopOfTheLast()
    {
        await t.CreateRepoAsync("data");

        var first = await t.PutTextAsync("data@master", "a.txt", "a");
        var second = await t.PutTextAsync("data@master", "b.txt", "b");
        var third = await t.DeleteAsync("data@master", "a.txt");

        Assert.Null(first.Parent);
        Assert.Equal(first.Id, second.Parent);
        Assert.Equal(second.Id, third.Parent);
        Assert.All(new[] { first, second, third }, c => Assert.False(c.IsOpen));
        Assert.All(new[] { first, second, third }, c => Assert.Equal(32, c.Id.Length));
        Assert.Equal(third.Id, (await Store.TryGetBranchAsync("data", "master", None))!.Head);
        Assert.Equal([third.Id, second.Id, first.Id], (await Store.ListCommitsAsync("data", "master", 100, None)).Select(c => c.Id));
        Assert.Equal([third.Id, second.Id], (await Store.ListCommitsAsync("data", "master", 2, None)).Select(c => c.Id));
        Assert.Equal(["a.txt"], await t.FilesAsync(first));
        Assert.Equal(["a.txt", "b.txt"], await t.FilesAsync(second));
        Assert.Equal(["b.txt"], await t.FilesAsync(third));
        Assert.Equal(1, third.Size);
        Assert.Equal("a", await t.ReadTextAsync($"data@{first.Id}:/a.txt"));
    }

    [Fact]
    public async Task AncestryReferencesResolve()
    {
        await t.CreateRepoAsync("data");
        var c1 = await t.PutTextAsync("data@master", "f.txt", "1");
        var c2 = await t.PutTextAsync("data@master", "f.txt", "2");
        var c3 = await t.PutTextAsync("data@master", "f.txt", "3");
        var c4 = await t.PutTextAsync("data@master", "f.txt", "4");

        Assert.Equal(c4.Id, (await t.ResolveAsync("data@master")).Id);
        Assert.Equal(c3.Id, (await t.ResolveAsync("data@master^")).Id);
        Assert.Equal(c2.Id, (await t.ResolveAsync("data@master^^")).Id);
        Assert.Equal(c2.Id, (await t.ResolveAsync("data@master~2")).Id);
        Assert.Equal(c1.Id, (await t.ResolveAsync("data@master^3")).Id);
        Assert.Equal(c1.Id, (await t.ResolveAsync("data@master.1")).Id);
        Assert.Equal(c2.Id, (await t.ResolveAsync("data@master.2")).Id);
        Assert.Equal(c4.Id, (await t.ResolveAsync("data@master.4")).Id);
        Assert.Equal(c1.Id, (await t.ResolveAsync("data@master^.1")).Id);
        Assert.Equal(c2.Id, (await t.ResolveAsync($"data@{c3.Id}^")).Id);
        Assert.Equal("2", await t.ReadTextAsync("data@master~2:/f.txt"));
        await AssertFailsAsync(ErrorCodes.CommitNotFound, () => t.ResolveAsync("data@master~4"));
        await AssertFailsAsync(ErrorCodes.CommitNotFound, () => t.ResolveAsync("data@master.5"));
    }

    [Fact]
    public async Task CommitIdsResolveByPrefix()
    {
        await t.CreateRepoAsync("data");
        var commit = await t.PutTextAsync("data@master", "a.txt", "a");

        Assert.Equal(commit.Id, (await t.ResolveAsync($"data@{commit.Id}")).Id);
        Assert.Equal(commit.Id, (await t.ResolveAsync($"data@{commit.Id[..8]}")).Id);
        Assert.Equal(commit.Id, (await t.ResolveAsync($"data@{commit.Id[..4]}")).Id);

        // Fewer than 4 digits, or anything but lower-case hex, can only be a branch name.
        await AssertFailsAsync(ErrorCodes.BranchNotFound, () => t.ResolveAsync($"data@{commit.Id[..3]}"));
        await AssertFailsAsync(ErrorCodes.BranchNotFound, () => t.ResolveAsync($"data@{commit.Id[..6]}x"));
        await AssertFailsAsync(ErrorCodes.CommitNotFound, () => t.ResolveAsync($"data@{Unlike(commit.Id)}"));
    }

    [Fact]
    public async Task APrefixThatMatchesSeveralCommitsIsAmbiguous()
    {
        await t.CreateRepoAsync("data");
        var real = await t.PutTextAsync("data@master", "a.txt", "a");

        // Ids are random, so two that share a prefix are planted (as dangling commits) rather than waited for.
        foreach (var id in new[] { "abcd1111111111111111111111111111", "abcd2222222222222222222222222222" })
        {
            var twin = CommitSeal.Seal(real with { Id = id, Parent = null, ParentSeal = null });
            await t.Objects.PutIfAbsentAsync(StoreKeys.Commit("data", id), StoreJson.Serialize(twin), None);
        }

        var error = await AssertFailsAsync(ErrorCodes.AmbiguousCommit, () => t.ResolveAsync("data@abcd"));
        Assert.Contains("abcd1111111111111111111111111111", error.Message, StringComparison.Ordinal);
        await AssertFailsAsync(ErrorCodes.AmbiguousCommit, () => t.PutTextAsync("data@abcd", "x.txt", "x"));
        Assert.Equal("abcd2222222222222222222222222222", (await t.ResolveAsync("data@abcd2")).Id);
    }

    [Fact]
    public async Task ABranchNameWinsOverACommitIdPrefix()
    {
        await t.CreateRepoAsync("data");
        var commit = await t.PutTextAsync("data@master", "a.txt", "a");
        await Store.CreateBranchAsync("data", commit.Id[..6], CommitRef.Parse("data@master"), None);
        var shadow = await t.PutTextAsync($"data@{commit.Id[..6]}", "b.txt", "b");

        Assert.Equal(shadow.Id, (await t.ResolveAsync($"data@{commit.Id[..6]}")).Id);
        Assert.Equal(commit.Id, (await t.ResolveAsync($"data@{commit.Id[..7]}")).Id);
    }

    // ---- open commits ---------------------------------------------------------------------------------

    [Fact]
    public async Task StartPutFinish()
    {
        await t.CreateRepoAsync("data");
        var before = await t.PutTextAsync("data@master", "kept.txt", "kept");

        var open = await Store.StartCommitAsync("data", "master", "batch", None);
        var afterFirstPut = await t.PutTextAsync("data@master", "one.txt", "1");
        var afterSecondPut = await t.PutTextAsync($"data@{open.Id}", "two.txt", "2");

        Assert.True(open.IsOpen);
        Assert.Equal(before.Id, open.Parent);
        Assert.Equal(open.Id, afterFirstPut.Id);
        Assert.Equal(open.Id, afterSecondPut.Id);
        Assert.True(afterSecondPut.IsOpen);
        var branch = (await Store.TryGetBranchAsync("data", "master", None))!;
        Assert.Equal(before.Id, branch.Head);
        Assert.Equal(open.Id, branch.Open);
        Assert.Equal(open.Id, (await t.ResolveAsync("data@master")).Id);
        Assert.Equal("1", await t.ReadTextAsync("data@master:/one.txt"));
        await AssertFailsAsync(ErrorCodes.CommitAlreadyOpen, () => Store.StartCommitAsync("data", "master", null, None));

        var finished = await Store.FinishCommitAsync(CommitRef.Parse("data@master"), null, None);

        Assert.Equal(open.Id, finished.Id);
        Assert.False(finished.IsOpen);
        Assert.Equal("batch", finished.Description);
        Assert.Equal(["kept.txt", "one.txt", "two.txt"], await t.FilesAsync(finished));
        branch = (await Store.TryGetBranchAsync("data", "master", None))!;
        Assert.Equal(open.Id, branch.Head);
        Assert.Null(branch.Open);
        Assert.False(await t.Objects.ExistsAsync(StoreKeys.OpenCommit("data", open.Id), None));
        Assert.True(await t.Objects.ExistsAsync(StoreKeys.Commit("data", open.Id), None));
        Assert.Equal("2", await t.ReadTextAsync($"data@{open.Id}:/two.txt"));
    }

    [Fact]
    public async Task FinishingByIdWithANewDescription()
    {
        await t.CreateRepoAsync("data");
        var open = await Store.StartCommitAsync("data", "master", "draft", None);

        var finished = await Store.FinishCommitAsync(CommitRef.Parse($"data@{open.Id}"), "final", None);

        Assert.Equal("final", finished.Description);
        Assert.Null(finished.Parent);
        Assert.Equal(ContentStore.EmptyTree, finished.Tree);
        Assert.Equal(open.Id, (await t.ResolveAsync("data@master")).Id);
    }

    [Fact]
    public async Task FinishedCommitsCannotBeWritten()
    {
        await t.CreateRepoAsync("data");
        var first = await t.PutTextAsync("data@master", "a.txt", "a");
        await t.PutTextAsync("data@master", "b.txt", "b");

        await AssertFailsAsync(ErrorCodes.CommitFinished, () => t.PutTextAsync($"data@{first.Id}", "c.txt", "c"));
        await AssertFailsAsync(ErrorCodes.CommitFinished, () => t.PutTextAsync("data@master^", "c.txt", "c"));
        await AssertFailsAsync(ErrorCodes.CommitFinished, () => Store.EnsureWritableAsync(CommitRef.Parse($"data@{first.Id[..8]}"), None));

        Assert.Equal(["a.txt"], await t.FilesAsync(await t.ResolveAsync($"data@{first.Id}")));
    }

    [Fact]
    public async Task ADeclinedEditWritesNothing()
    {
        await t.CreateRepoAsync("data");
        var head = await t.PutTextAsync("data@master", "a.txt", "a");
        string? seen = null;
        async Task<bool> Decline(TreeEditor editor, CancellationToken ct)
        {
            seen = editor.BaseTree;
            await editor.DeleteAsync(RepoPath.Root, ct); // an edit under way, then dropped
            return false;
        }

        Assert.Null(await Store.TryWriteAsync(CommitRef.Parse("data@master"), null, Decline, None));
        Assert.Equal(head.Tree, seen);
        Assert.Equal([head.Id], (await Store.ListCommitsAsync("data", "master", 100, None)).Select(c => c.Id));

        var open = await Store.StartCommitAsync("data", "master", null, None);
        Assert.Null(await Store.TryWriteAsync(CommitRef.Parse("data@master"), null, Decline, None));
        Assert.Equal(["a.txt"], await t.FilesAsync(await t.ResolveAsync($"data@{open.Id}")));
    }

    [Fact]
    public async Task OnlyAnOpenCommitCanBeFinished()
    {
        await t.CreateRepoAsync("data");
        var finished = await t.PutTextAsync("data@master", "a.txt", "a");

        await AssertFailsAsync(ErrorCodes.CommitNotOpen, () => Store.FinishCommitAsync(CommitRef.Parse("data@master"), null, None));
        await AssertFailsAsync(ErrorCodes.CommitNotOpen, () => Store.FinishCommitAsync(CommitRef.Parse($"data@{finished.Id}"), null, None));

        await Store.StartCommitAsync("data", "master", null, None);
        await AssertFailsAsync(ErrorCodes.CommitNotOpen, () => Store.FinishCommitAsync(CommitRef.Parse("data@master^"), null, None));
    }

    [Fact]
    public async Task DeletingCommits()
    {
        await t.CreateRepoAsync("data");
        var first = await t.PutTextAsync("data@master", "a.txt", "a");
        var second = await t.PutTextAsync("data@master", "b.txt", "b");
        var open = await Store.StartCommitAsync("data", "master", null, None);

        var discarded = await Store.DeleteCommitAsync(CommitRef.Parse("data@master"), None);

        Assert.Equal(open.Id, discarded.Id);
        var branch = (await Store.TryGetBranchAsync("data", "master", None))!;
        Assert.Equal(second.Id, branch.Head);
        Assert.Null(branch.Open);
        Assert.False(await t.Objects.ExistsAsync(StoreKeys.OpenCommit("data", open.Id), None));

        await AssertFailsAsync(ErrorCodes.CommitHasChildren, () => Store.DeleteCommitAsync(CommitRef.Parse($"data@{first.Id}"), None));

        await Store.DeleteCommitAsync(CommitRef.Parse("data@master"), None);

        Assert.Equal(first.Id, (await t.ResolveAsync("data@master")).Id);
    }

    // ---- branches -------------------------------------------------------------------------------------

    [Fact]
    public async Task CreatingABranchAtAnOlderHeadRollsItBack()
    {
        await t.CreateRepoAsync("data");
        var c1 = await t.PutTextAsync("data@master", "f.txt", "1");
        var c2 = await t.PutTextAsync("data@master", "f.txt", "2");
        await t.PutTextAsync("data@master", "f.txt", "3");

        var rolledBack = await Store.CreateBranchAsync("data", "master", CommitRef.Parse("data@master^^"), None);

        Assert.Equal(c1.Id, rolledBack.Head);
        Assert.Equal("1", await t.ReadTextAsync("data@master:/f.txt"));
        var next = await t.PutTextAsync("data@master", "f.txt", "4");
        Assert.Equal(c1.Id, next.Parent);

        var dev = await Store.CreateBranchAsync("data", "dev", CommitRef.Parse($"data@{c2.Id}"), None);
        Assert.Equal(c2.Id, dev.Head);
        Assert.Equal("2", await t.ReadTextAsync("data@dev:/f.txt"));
        Assert.Equal(["dev", "master"], (await Store.ListBranchesAsync("data", None)).Select(b => b.Name));
    }

    [Fact]
    public async Task ABranchWithoutAHeadHasNoCommitsYet()
    {
        await t.CreateRepoAsync("data");

        var empty = await Store.CreateBranchAsync("data", "staging", null, None);

        Assert.Null(empty.Head);
        await AssertFailsAsync(ErrorCodes.CommitNotFound, () => t.ResolveAsync("data@staging"));
        var first = await t.PutTextAsync("data@staging", "a.txt", "a");
        Assert.Null(first.Parent);
    }

    [Fact]
    public async Task BranchHeadsMustBeFinishedCommitsOfTheSameRepo()
    {
        await t.CreateRepoAsync("data");
        await t.CreateRepoAsync("other");
        await t.PutTextAsync("data@master", "a.txt", "a");
        await t.PutTextAsync("other@master", "a.txt", "a");
        await Store.StartCommitAsync("data", "work", null, None);

        await AssertFailsAsync(ErrorCodes.InvalidReference, () => Store.CreateBranchAsync("data", "dev", CommitRef.Parse("other@master"), None));
        await AssertFailsAsync(ErrorCodes.CommitNotOpen, () => Store.CreateBranchAsync("data", "dev", CommitRef.Parse("data@work"), None));
        await AssertFailsAsync(ErrorCodes.CommitAlreadyOpen, () => Store.CreateBranchAsync("data", "work", CommitRef.Parse("data@master"), None));
        await AssertFailsAsync(ErrorCodes.InvalidName, () => Store.CreateBranchAsync("data", "bad name", null, None));
    }

    [Fact]
    public async Task DeletingABranchKeepsTheOthers()
    {
        await t.CreateRepoAsync("data");
        await t.PutTextAsync("data@master", "a.txt", "a");
        await t.PutTextAsync("data@dev", "b.txt", "b");

        await Store.DeleteBranchAsync("data", "dev", None);

        Assert.Equal(["master"], (await Store.ListBranchesAsync("data", None)).Select(b => b.Name));
        await AssertFailsAsync(ErrorCodes.BranchNotFound, () => Store.DeleteBranchAsync("data", "dev", None));
        Assert.Equal("a", await t.ReadTextAsync("data@master:/a.txt"));
    }

    // ---- files ----------------------------------------------------------------------------------------

    [Fact]
    public async Task MissingPathsAreNotFound()
    {
        await t.CreateRepoAsync("data");
        await t.PutTextAsync("data@master", "dir/a.txt", "a");

        await AssertFailsAsync(ErrorCodes.PathNotFound, () => t.ReadAsync("data@master:/dir/b.txt"));
        await AssertFailsAsync(ErrorCodes.PathNotFound, () => t.ReadAsync("data@master:/dir/a.txt/deeper"));
    }

    [Fact]
    public async Task DiffReportsAddedRemovedAndModifiedFiles()
    {
        await t.CreateRepoAsync("data");
        await t.PutTextAsync("data@master", "same.txt", "same");
        await t.PutTextAsync("data@master", "changed.txt", "old");
        await t.PutTextAsync("data@master", "gone.txt", "gone");
        await t.PutTextAsync("data@master", "dir/gone-too.txt", "x");
        var old = await t.PutTextAsync("data@master", "becomes-dir", "file");
        await t.PutTextAsync("data@master", "changed.txt", "new!");
        await t.DeleteAsync("data@master", "gone.txt");
        await t.DeleteAsync("data@master", "dir");
        await t.PutTextAsync("data@master", "added/deep/new.txt", "added");
        await t.DeleteAsync("data@master", "becomes-dir");
        var @new = await t.PutTextAsync("data@master", "becomes-dir/inner.txt", "inner");

        var changes = await Store.DiffAsync(await RootAsync(old), await RootAsync(@new), "", None);

        Assert.Equal(
            [
                new FileChange(FileChangeKind.Added, "added/deep/new.txt", null, 5),
                new FileChange(FileChangeKind.Removed, "becomes-dir", 4, null),
                new FileChange(FileChangeKind.Added, "becomes-dir/inner.txt", null, 5),
                new FileChange(FileChangeKind.Modified, "changed.txt", 3, 4),
                new FileChange(FileChangeKind.Removed, "dir/gone-too.txt", 1, null),
                new FileChange(FileChangeKind.Removed, "gone.txt", 4, null),
            ],
            changes);
        Assert.Empty(await Store.DiffAsync(await RootAsync(@new), await RootAsync(@new), "", None));
        Assert.Equal([new FileChange(FileChangeKind.Added, "same.txt", null, 4)], await Store.DiffAsync(null, await Store.GetEntryAsync(old, "same.txt", None), "same.txt", None));
    }

    [Fact]
    public async Task GlobFindsEntriesAsPachydermDoes()
    {
        await t.CreateRepoAsync("data");
        await t.PutTextAsync("data@master", "a.csv", "a");
        await t.PutTextAsync("data@master", "b.json", "b");
        await t.PutTextAsync("data@master", "dir/c.csv", "c");
        var commit = await t.PutTextAsync("data@master", "dir/sub/d.csv", "d");

        async Task<IEnumerable<string>> GlobAsync(string pattern) =>
            (await Store.GlobAsync(commit, GlobPattern.Parse(pattern), None).ToListAsync()).Select(m => m.Path);

        Assert.Equal([""], await GlobAsync("/"));
        Assert.Equal(["a.csv", "b.json", "dir"], await GlobAsync("/*"));
        Assert.Equal(["dir/c.csv", "dir/sub"], await GlobAsync("/*/*"));
        Assert.Equal(["a.csv"], await GlobAsync("/*.csv"));
        Assert.Equal(["a.csv", "dir/c.csv", "dir/sub/d.csv"], await GlobAsync("/**/*.csv"));
        Assert.Equal(["a.csv", "b.json", "dir", "dir/c.csv", "dir/sub", "dir/sub/d.csv"], await GlobAsync("/**"));
    }

    [Fact]
    public async Task AOneMebibyteEditInALargeFileStoresOnlyTheChunksAroundIt()
    {
        const int MiB = 1024 * 1024;
        await t.CreateRepoAsync("data");
        var original = new byte[64 * MiB];
        new Random(64).NextBytes(original);
        await t.PutAsync("data@master", "big.bin", original);
        var before = t.ObjectBytes();

        var edited = (byte[])original.Clone();
        new Random(65).NextBytes(edited.AsSpan(32 * MiB, MiB));
        var commit = await t.PutAsync("data@master", "big.bin", edited);

        var added = t.ObjectBytes() - before;
        Assert.True(added < 4 * MiB, $"the edit stored {added} new bytes");
        Assert.Equal(EntryKind.ChunkedFile, (await Store.GetExistingEntryAsync(commit, "big.bin", None)).Kind);
        Assert.Equal(edited, await t.ReadAsync("data@master:/big.bin"));
        Assert.Equal(original, await t.ReadAsync("data@master^:/big.bin"));
    }

    // ---- concurrency ----------------------------------------------------------------------------------

    [Fact]
    public async Task ConcurrentWritersToOneBranchLoseNoCommit()
    {
        const int Writers = 8;
        await t.CreateRepoAsync("data");

        var commits = await Task.WhenAll(Enumerable.Range(0, Writers).Select(i =>
            Task.Run(() => t.PutTextAsync("data@master", $"file-{i}.txt", $"writer {i}"))));

        var head = await t.ResolveAsync("data@master");
        var chain = await t.ChainAsync(head);
        Assert.Equal(Writers, chain.Count);
        Assert.Equal(chain.Order(StringComparer.Ordinal), commits.Select(c => c.Id).Order(StringComparer.Ordinal));
        Assert.Equal(Enumerable.Range(0, Writers).Select(i => $"file-{i}.txt").Order(StringComparer.Ordinal), await t.FilesAsync(head));
        for (var i = 0; i < Writers; i++)
        {
            Assert.Equal($"writer {i}", await t.ReadTextAsync($"data@master:/file-{i}.txt"));
        }

        Assert.Equal(Writers, (await t.ListAsync(StoreKeys.CommitsOf("data"))).Count); // losers leave no commit behind
    }

    [Fact]
    public async Task ConcurrentWritersIntoOneOpenCommitLoseNoFile()
    {
        const int Writers = 8;
        await t.CreateRepoAsync("data");
        var open = await Store.StartCommitAsync("data", "master", null, None);

        await Task.WhenAll(Enumerable.Range(0, Writers).Select(i =>
            Task.Run(() => t.PutTextAsync("data@master", $"file-{i}.txt", $"writer {i}"))));
        var finished = await Store.FinishCommitAsync(CommitRef.Parse("data@master"), null, None);

        Assert.Equal(open.Id, finished.Id);
        Assert.Equal(Writers, (await t.FilesAsync(finished)).Count);
    }

    public void Dispose() => t.Dispose();

    private async Task<TreeEntry> RootAsync(CommitInfo commit) => (await Store.GetEntryAsync(commit, "", None))!;

    /// <summary>A 32-hex-digit id that shares no first digit with <paramref name="id"/>.</summary>
    private static string Unlike(string id) => new(id[0] == 'f' ? '0' : 'f', 32);

    private static async Task<PipeException> AssertFailsAsync(string code, Func<Task> action)
    {
        var error = await Assert.ThrowsAsync<PipeException>(action);
        Assert.Equal(code, error.Code);
        return error;
    }
}
