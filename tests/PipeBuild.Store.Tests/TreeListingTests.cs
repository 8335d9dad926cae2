using PipeBuild.Core;

namespace PipeBuild.Store.Tests;

/// <summary>
/// Directories past <see cref="TreeListing.SplitAbove"/> entries are stored as parts cut where the names say: the same
/// entries always give the same hash however they were edited, and a change rewrites only the part it touches.
/// </summary>
public sealed class TreeListingTests : IDisposable
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly TestStore t = new();

    [Fact]
    public async Task A_diff_pairs_entries_by_name_and_skips_equal_ones()
    {
        var before = await ListingAsync(Files(["a", "b", "c"], 1));
        var after = await ListingAsync([Entry("b", 2), Entry("c", 1), Entry("d", 1)]);

        Assert.Equal(
            [(Entry("a", 1), null), (Entry("b", 1), Entry("b", 2)), (null, Entry("d", 1))],
            await TreeListing.DiffAsync(before, after, None).ToListAsync());
        Assert.Equal(3, (await TreeListing.DiffAsync(null, after, None).ToListAsync()).Count);
    }

    [Fact]
    public async Task A_large_directory_is_an_index_of_parts_that_reads_back_whole()
    {
        var entries = Files(Names(30_000), 7);
        var listing = await ListingAsync(entries);

        Assert.True(ObjectCodec.IsTreeIndex(File.ReadAllBytes(t.ObjectFile(listing.Hash))));
        Assert.InRange(listing.PartHashes.Count(), 5, 40);
        Assert.Equal((30_000, 30_000L * 7), (listing.Count, listing.TotalSize()));
        Assert.Equal(entries, await t.Content.ReadTreeAsync(listing.Hash, None));
        Assert.Equal(Entry("n012345", 7), await (await t.Content.ReadListingAsync(listing.Hash, None)).GetAsync("n012345", None));
        Assert.Null(await (await t.Content.ReadListingAsync(listing.Hash, None)).GetAsync("n0123450", None));
    }

    [Fact]
    public async Task Edits_give_the_hash_of_the_same_entries_written_at_once()
    {
        // Random inserts, deletes (of part boundaries too) and changes, a few at a time, then many: after each round
        // the directory edited in place has the hash of its entries written from nothing.
        var random = new Random(4);
        var current = Files(Names(20_000), 1).ToDictionary(e => e.Name, StringComparer.Ordinal);
        await t.Versions.CreateRepoAsync("r", null, None);
        await PutAsync(current.Values.Select(e => (e.Name, (TreeEntry?)e)));
        foreach (var edits in new[] { 1, 3, 40, 2_000, 15_000 })
        {
            var round = new List<(string, TreeEntry?)>();
            for (var i = 0; i < edits; i++)
            {
                var name = $"n{random.Next(25_000):D6}";
                var entry = random.Next(3) == 0 ? null : Entry(name, random.Next(1, 9));
                round.Add((name, entry));
                if (entry is null)
                {
                    current.Remove(name);
                }
                else
                {
                    current[name] = entry;
                }
            }

            var head = await PutAsync(round);
            Assert.Equal(await t.Content.WriteTreeAsync(current.Values, None), head.Tree);
            Assert.Equal(current.Values.OrderBy(e => e.Name, StringComparer.Ordinal), await t.Content.ReadTreeAsync(head.Tree, None));
        }

        // Shrunk below the limit, the directory is one object again.
        var small = current.Keys.Order(StringComparer.Ordinal).Skip(100).ToList();
        var shrunk = await PutAsync(small.Select(n => (n, (TreeEntry?)null)));
        Assert.False(ObjectCodec.IsTreeIndex(File.ReadAllBytes(t.ObjectFile(shrunk.Tree))));
        Assert.Equal(100, (await t.Content.ReadTreeAsync(shrunk.Tree, None)).Count);
    }

    [Fact]
    public async Task Changing_one_entry_writes_one_part_and_the_index()
    {
        await t.Versions.CreateRepoAsync("r", null, None);
        var first = await PutAsync(Files(Names(50_000), 1).Select(e => (e.Name, (TreeEntry?)e)));
        var before = await t.ListAsync(StoreKeys.ObjectsPrefix);

        var second = await PutAsync([("n031337", Entry("n031337", 2))]);

        var written = (await t.ListAsync(StoreKeys.ObjectsPrefix)).Except(before).ToList();
        Assert.Equal(2, written.Count); // the edited part and the index (the root holds the files itself)
        Assert.Contains(StoreKeys.Object(second.Tree), written);
        var (old, @new) = (await t.Content.ReadListingAsync(first.Tree, None), await t.Content.ReadListingAsync(second.Tree, None));
        Assert.Single(old.PartHashes.Except(@new.PartHashes));
        Assert.Equal([(Entry("n031337", 1), Entry("n031337", 2))], await TreeListing.DiffAsync(old, @new, None).ToListAsync());
    }

    [Fact]
    public async Task Gc_keeps_the_parts_fsck_reports_a_missing_one_and_sync_copies_them()
    {
        await t.Versions.CreateRepoAsync("r", null, None);
        await t.Content.WriteAsync(BitConverter.GetBytes(1L), None); // the content every entry names
        var head = await PutAsync(Files(Names(20_000), 1).Select(e => (e.Name, (TreeEntry?)e)));
        var parts = (await t.Content.ReadListingAsync(head.Tree, None)).PartHashes.ToList();

        await new StoreMaintenance(t.Versions).CollectAsync(TimeSpan.Zero, None);
        Assert.All(parts, part => Assert.True(File.Exists(t.ObjectFile(part)), part));
        var clean = await new StoreMaintenance(t.Versions).FsckAsync(None);
        Assert.True(clean.IsClean, string.Join("\n", clean.Problems));

        using var copy = new TestStore();
        await new StoreSync(t.Versions, copy.Versions).RunAsync(None);
        Assert.Equal(20_000, (await copy.Content.ReadTreeAsync(head.Tree, None)).Count);

        File.Delete(t.ObjectFile(parts[3]));
        var report = await new StoreMaintenance(t.Versions).FsckAsync(None);
        Assert.Contains(report.Problems, p => p.Contains(parts[3], StringComparison.Ordinal) && p.Contains("tree part", StringComparison.Ordinal));
    }

    private async Task<CommitInfo> PutAsync(IEnumerable<(string Name, TreeEntry? Entry)> edits) =>
        await t.Versions.WriteAsync(CommitRef.Parse("r@master"), null, async (editor, ct) =>
        {
            foreach (var (name, entry) in edits)
            {
                if (entry is null)
                {
                    await editor.DeleteAsync(name, ct);
                }
                else
                {
                    await editor.SetFileAsync(name, entry.Content, ct);
                }
            }
        }, None);

    private async Task<TreeListing> ListingAsync(IEnumerable<TreeEntry> entries) =>
        await t.Content.ReadListingAsync(await t.Content.WriteTreeAsync(entries, None), None);

    private static IEnumerable<string> Names(int count) => Enumerable.Range(0, count).Select(i => $"n{i:D6}");

    private static List<TreeEntry> Files(IEnumerable<string> names, long size) => [.. names.Select(n => Entry(n, size))];

    private static TreeEntry Entry(string name, long size) => new(name, EntryKind.File, size, ContentHash.Of(BitConverter.GetBytes(size)));

    public void Dispose() => t.Dispose();
}
