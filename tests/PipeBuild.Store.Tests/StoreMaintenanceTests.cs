using System.Text;
using System.Text.Json.Nodes;
using PipeBuild.Core;

namespace PipeBuild.Store.Tests;

public sealed class StoreMaintenanceTests : IDisposable
{
    private const int MiB = 1024 * 1024;
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly TestStore t = new();

    [Fact]
    public async Task FsckFindsNothingWrongInAGoodStore()
    {
        await FillAsync();

        var report = await new StoreMaintenance(t.Versions).FsckAsync(None);

        Assert.True(report.IsClean, string.Join("\n", report.Problems));
        Assert.Equal(4, report.Commits);
        Assert.Equal((await t.ListAsync(StoreKeys.ObjectsPrefix)).Count, report.Objects);
    }

    [Fact]
    public async Task FsckOfAnEmptyStoreIsClean()
    {
        var report = await new StoreMaintenance(t.Versions).FsckAsync(None);

        Assert.True(report.IsClean);
        Assert.Equal(0, report.Commits);
        Assert.Equal(0, report.Objects);
    }

    [Fact]
    public async Task FsckReportsACorruptObject()
    {
        await FillAsync();
        var entry = await EntryAsync("data@master:/dir/small.txt");
        File.WriteAllText(t.ObjectFile(entry.Hash), "tampered");

        var report = await new StoreMaintenance(t.Versions).FsckAsync(None);

        Assert.False(report.IsClean);
        Assert.Contains(report.Problems, p => p.Contains(entry.Hash, StringComparison.Ordinal) && p.Contains("corrupt", StringComparison.Ordinal));
        Assert.Contains(report.Problems, p => p.Contains("dir/small.txt", StringComparison.Ordinal));
    }

    [Fact]
    public async Task FsckReportsAMissingObject()
    {
        await FillAsync();
        var entry = await EntryAsync("data@master:/dir/small.txt");
        File.Delete(t.ObjectFile(entry.Hash));

        var report = await new StoreMaintenance(t.Versions).FsckAsync(None);

        Assert.False(report.IsClean);
        Assert.Contains(report.Problems, p => p.Contains(entry.Hash, StringComparison.Ordinal) && p.Contains("dir/small.txt", StringComparison.Ordinal));
    }

    [Fact]
    public async Task FsckReportsAMissingChunk()
    {
        await FillAsync();
        var entry = await EntryAsync("data@master:/big.bin");
        var chunk = (await t.Content.ReadChunkListAsync(entry.Hash, None))[1];
        File.Delete(t.ObjectFile(chunk.Hash));

        var report = await new StoreMaintenance(t.Versions).FsckAsync(None);

        Assert.Contains(report.Problems, p => p.Contains(chunk.Hash, StringComparison.Ordinal) && p.Contains("big.bin", StringComparison.Ordinal));
    }

    [Fact]
    public async Task FsckReportsABranchPointingAtNoCommit()
    {
        await FillAsync();
        var head = (await t.ResolveAsync("data@master")).Id;
        File.Delete(Path.Combine(t.Root, StoreKeys.Commit("data", head).Replace('/', Path.DirectorySeparatorChar)));

        var report = await new StoreMaintenance(t.Versions).FsckAsync(None);

        Assert.Contains(report.Problems, p => p.Contains(head, StringComparison.Ordinal) && p.Contains("data@master", StringComparison.Ordinal));
    }

    [Fact]
    public async Task FsckRunTwiceStillSeesNewDamage()
    {
        await FillAsync();
        var maintenance = new StoreMaintenance(t.Versions);
        Assert.True((await maintenance.FsckAsync(None)).IsClean);
        var entry = await EntryAsync("data@master:/dir/small.txt");
        File.Delete(t.ObjectFile(entry.Hash));

        var report = await maintenance.FsckAsync(None);

        Assert.Contains(report.Problems, p => p.Contains(entry.Hash, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("..")]
    [InlineData("/abs")]
    [InlineData("a/../../x")]
    [InlineData("a\u001b]0;title\u0007")]
    public async Task ATreeEntryThatIsNotOnePathSegmentIsReportedByFsckAndRefusedBySync(string name)
    {
        await FillAsync();
        var head = await t.ResolveAsync("data@master");
        var lines = Encoding.UTF8.GetString(await t.Content.ReadVerifiedAsync(head.Tree, None)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var first = lines[0].Split(' ', 4); // KIND SIZE HASH NAME; renamed first, the names stay in order
        lines[0] = $"{first[0]} {first[1]} {first[2]} {name}";
        var forged = Encoding.UTF8.GetBytes(string.Join('\n', lines) + "\n");
        var forgedHash = ContentHash.Of(forged);
        await t.Objects.PutIfAbsentAsync(StoreKeys.Object(forgedHash), forged, None);
        var commitFile = Path.Combine(t.Root, StoreKeys.Commit("data", head.Id).Replace('/', Path.DirectorySeparatorChar));
        // Sealed as it would be had a tool written it (a hostile store pulled from): the tree itself is what is wrong.
        await File.WriteAllBytesAsync(commitFile, StoreJson.Serialize(CommitSeal.Seal(head with { Tree = forgedHash })));

        var report = await new StoreMaintenance(t.Versions).FsckAsync(None);

        Assert.Contains(report.Problems, p => p.Contains(forgedHash, StringComparison.Ordinal) && p.Contains("not a valid name", StringComparison.Ordinal));
        Assert.Equal(4, report.Commits); // every commit still checked
        Assert.DoesNotContain(report.Problems, p => p.Contains('\u001b', StringComparison.Ordinal)); // never an escape sequence on the terminal

        using var copy = new TestStore();
        var refused = await Assert.ThrowsAsync<PipeException>(() => new StoreSync(t.Versions, copy.Versions).RunAsync(None));
        Assert.Equal(ErrorCodes.Corrupt, refused.Code);
        Assert.False(await copy.Objects.ExistsAsync(StoreKeys.Commit("data", head.Id), None));
    }

    [Fact]
    public async Task GcRemovesUnreachableObjectsAndKeepsReachableOnes()
    {
        await FillAsync();
        var orphan = await t.Content.WriteAsync(Encoding.UTF8.GetBytes("written, then never committed"), None);
        var orphanChunked = await t.Content.WriteAsync(RandomBytes(31, 3 * MiB), None);
        var reachable = await t.ListAsync(StoreKeys.ObjectsPrefix);

        var report = await new StoreMaintenance(t.Versions).CollectAsync(TimeSpan.Zero, None);

        Assert.False(await t.Content.ContainsAsync(orphan.Hash, None));
        Assert.False(await t.Content.ContainsAsync(orphanChunked.Hash, None));
        Assert.Equal(report.Removed, reachable.Count - (await t.ListAsync(StoreKeys.ObjectsPrefix)).Count);
        Assert.True(report.Removed >= 2);
        Assert.True(report.BytesRemoved > 3 * MiB);
        Assert.Equal(0, report.KeptYoung);
        Assert.True((await new StoreMaintenance(t.Versions).FsckAsync(None)).IsClean);
        Assert.Equal("small", await t.ReadTextAsync("data@master:/dir/small.txt"));
        Assert.Equal("old", await t.ReadTextAsync("data@master^^:/dir/small.txt")); // history is kept
        Assert.Equal(RandomBytes(30, 6 * MiB), await t.ReadAsync("data@master:/big.bin"));
    }

    [Fact]
    public async Task GcSparesYoungUnreachableObjects()
    {
        await FillAsync();
        var orphan = await t.Content.WriteAsync(Encoding.UTF8.GetBytes("a put still in progress"), None);

        var report = await new StoreMaintenance(t.Versions).CollectAsync(TimeSpan.FromHours(1), None);

        Assert.Equal(0, report.Removed);
        Assert.True(report.KeptYoung >= 1);
        Assert.True(await t.Content.ContainsAsync(orphan.Hash, None));
    }

    [Fact]
    public async Task GcKeepsWhatAnOpenCommitHolds()
    {
        await t.CreateRepoAsync("data");
        await t.Versions.StartCommitAsync("data", "master", null, None);
        await t.PutTextAsync("data@master", "pending.txt", "not finished yet");

        await new StoreMaintenance(t.Versions).CollectAsync(TimeSpan.Zero, None);

        Assert.Equal("not finished yet", await t.ReadTextAsync("data@master:/pending.txt"));
    }

    [Fact]
    public async Task GcRemovesACommitAKilledPutWroteButNeverPublishedAndFreesItsObjects()
    {
        await FillAsync();
        var published = await t.ResolveAsync("data@master");
        var orphan = await t.PutAsync("data@master", "orphan.bin", RandomBytes(32, 3 * MiB));
        await UnpublishAsync("data", "master", published.Id); // the command was killed between writing the commit and moving the branch
        var orphanFile = await EntryOfAsync(orphan, "orphan.bin");

        var report = await new StoreMaintenance(t.Versions).CollectAsync(TimeSpan.Zero, None);

        Assert.Equal(1, report.CommitsRemoved);
        Assert.False(await t.Objects.ExistsAsync(StoreKeys.Commit("data", orphan.Id), None));
        Assert.False(await t.Content.ContainsAsync(orphanFile.Hash, None));
        Assert.True(report.BytesRemoved > 3 * MiB);
        Assert.Equal(4, (await new StoreMaintenance(t.Versions).FsckAsync(None)).Commits);
        Assert.True((await new StoreMaintenance(t.Versions).FsckAsync(None)).IsClean);
        Assert.Equal("old", await t.ReadTextAsync("data@master^^:/dir/small.txt"));
    }

    [Fact]
    public async Task GcRemovesAnOpenCommitNoBranchNames()
    {
        await FillAsync();
        var published = await t.ResolveAsync("data@master");
        var open = await t.Versions.StartCommitAsync("data", "master", null, None);
        await t.PutTextAsync("data@master", "pending.txt", "abandoned");
        await UnpublishAsync("data", "master", published.Id); // a killed 'commit start' never named it

        var report = await new StoreMaintenance(t.Versions).CollectAsync(TimeSpan.Zero, None);

        Assert.Equal(1, report.CommitsRemoved);
        Assert.False(await t.Objects.ExistsAsync(StoreKeys.OpenCommit("data", open.Id), None));
        Assert.True((await new StoreMaintenance(t.Versions).FsckAsync(None)).IsClean);
    }

    [Fact]
    public async Task GcKeepsTheCommitsABranchWasMovedOffSoARollbackCanBeUndone()
    {
        await FillAsync();
        var head = await t.ResolveAsync("data@master");
        await t.Versions.CreateBranchAsync("data", "master", CommitRef.Parse("data@master^^"), None); // rollback
        await t.Versions.CreateBranchAsync("data", "side", CommitRef.Parse($"data@{head.Id}"), None);
        await t.Versions.DeleteBranchAsync("data", "side", None);

        var report = await new StoreMaintenance(t.Versions).CollectAsync(TimeSpan.Zero, None);

        Assert.Equal(0, report.CommitsRemoved);
        Assert.Equal("small", await t.ReadTextAsync($"data@{head.Id}:/dir/small.txt"));
        Assert.Equal(RandomBytes(30, 6 * MiB), await t.ReadAsync($"data@{head.Id}:/big.bin"));
        Assert.True((await new StoreMaintenance(t.Versions).FsckAsync(None)).IsClean);
        await t.Versions.CreateBranchAsync("data", "master", CommitRef.Parse($"data@{head.Id}"), None); // undone
        Assert.Equal("small", await t.ReadTextAsync("data@master:/dir/small.txt"));
    }

    [Fact]
    public async Task GcRemovesADeletedCommitAndKeepsWhatRootsAndProvenanceName()
    {
        await FillAsync();
        var deleted = await t.PutTextAsync("data@master", "mistake.txt", "deleted by 'commit delete'");
        await t.Versions.DeleteCommitAsync(CommitRef.Parse("data@master"), None);
        var named = await t.PutTextAsync("other@master", "job-input.txt", "a job read this");
        await t.Versions.DeleteCommitAsync(CommitRef.Parse("other@master"), None);
        var roots = new GcRoots(AsyncEnumerable.Empty<FileContent>(), new[] { new RepoCommit("other", named.Id) }.ToAsyncEnumerable());

        var report = await new StoreMaintenance(t.Versions).CollectAsync(TimeSpan.Zero, None, roots);

        Assert.Equal(1, report.CommitsRemoved);
        Assert.False(await t.Objects.ExistsAsync(StoreKeys.Commit("data", deleted.Id), None));
        Assert.Equal("a job read this", await t.ReadTextAsync($"other@{named.Id}:/job-input.txt"));
    }

    [Fact]
    public async Task GcSparesAYoungUnpublishedCommitAndEverythingItHolds()
    {
        await FillAsync();
        var published = await t.ResolveAsync("data@master");
        var inFlight = await t.PutTextAsync("data@master", "in-flight.txt", "about to be published");
        await UnpublishAsync("data", "master", published.Id);

        var report = await new StoreMaintenance(t.Versions).CollectAsync(TimeSpan.FromHours(1), None);

        Assert.Equal(0, report.CommitsRemoved);
        Assert.True(report.KeptYoung >= 1);
        Assert.Equal("about to be published", await t.ReadTextAsync($"data@{inFlight.Id}:/in-flight.txt"));
    }

    [Fact]
    public async Task GcKeepsTheCommitsOfAStoreUpgradedFromAToolThatDidNotRecordMovedOffCommits()
    {
        await FillAsync();
        var head = await t.ResolveAsync("data@master");
        await UnpublishAsync("data", "master", (await t.ResolveAsync("data@master^")).Id); // a format 2 tool's rollback: no kept record
        var format = await StoreFormat.CheckAsync(t.Objects, None);
        await t.Objects.TryWriteDocumentAsync(StoreKeys.Format, StoreJson.Serialize(format with { KeepCommitsBefore = DateTimeOffset.UtcNow.AddSeconds(1) }), (await t.Objects.ReadDocumentAsync(StoreKeys.Format, None))!.Version, None);

        var report = await new StoreMaintenance(t.Versions).CollectAsync(TimeSpan.Zero, None);

        Assert.Equal(0, report.CommitsRemoved);
        Assert.Equal("small", await t.ReadTextAsync($"data@{head.Id}:/dir/small.txt"));
    }

    [Fact]
    public async Task GcKeepsTheCommitsOfABranchItsTriggerMovedOff()
    {
        await FillAsync();
        var own = await t.PutTextAsync("data@staging", "only-on-staging.txt", "staging's own");
        await t.PutTextAsync("data@master", "more.txt", "more");

        await t.Versions.SetTriggerAsync("data", "staging", new BranchTrigger("master") { Commits = 1 }, None); // moves staging to master's head

        Assert.Equal((await t.ResolveAsync("data@master")).Id, (await t.ResolveAsync("data@staging")).Id);
        var report = await new StoreMaintenance(t.Versions).CollectAsync(TimeSpan.Zero, None);
        Assert.Equal(0, report.CommitsRemoved);
        Assert.Equal("staging's own", await t.ReadTextAsync($"data@{own.Id}:/only-on-staging.txt"));
    }

    public void Dispose() => t.Dispose();

    private static byte[] RandomBytes(int seed, int length)
    {
        var data = new byte[length];
        new Random(seed).NextBytes(data);
        return data;
    }

    /// <summary>Two repos, four commits, a small and a chunked file, a directory and some history.</summary>
    private async Task FillAsync()
    {
        await t.CreateRepoAsync("data");
        await t.CreateRepoAsync("other");
        await t.PutTextAsync("data@master", "dir/small.txt", "old");
        await t.PutAsync("data@master", "big.bin", RandomBytes(30, 6 * MiB));
        await t.PutTextAsync("data@master", "dir/small.txt", "small");
        await t.PutTextAsync("other@master", "x.txt", "x");
    }

    /// <summary>Points the branch back at <paramref name="head"/> behind the store's back: what a command killed before it published its commit leaves.</summary>
    private async Task UnpublishAsync(string repo, string branch, string head)
    {
        var current = await t.Objects.ReadDocumentAsync(StoreKeys.Branch(repo, branch), None);
        Assert.NotNull(await t.Objects.TryWriteDocumentAsync(StoreKeys.Branch(repo, branch), StoreJson.Serialize(new BranchDocument(head, null)), current!.Version, None));
    }

    private async Task<TreeEntry> EntryOfAsync(CommitInfo commit, string path) => (await t.Versions.GetEntryAsync(commit, path, None))!;

    private async Task<TreeEntry> EntryAsync(string reference)
    {
        var parsed = CommitRef.Parse(reference);
        return await t.Versions.GetExistingEntryAsync(await t.Versions.ResolveAsync(parsed, None), parsed.NormalizedPath, None);
    }
}
