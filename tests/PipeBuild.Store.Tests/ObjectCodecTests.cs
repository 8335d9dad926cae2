using System.Text;
using PipeBuild.Core;

namespace PipeBuild.Store.Tests;

public sealed class ObjectCodecTests
{
    private static readonly string HashA = new('a', 64);
    private static readonly string HashB = new('b', 64);

    [Fact]
    public void A_tree_round_trips_sorted_with_names_holding_spaces()
    {
        TreeEntry[] entries = [new("z file.txt", EntryKind.File, 12, HashA), new("naïve ☃.csv", EntryKind.File, 3, HashB), new("a dir", EntryKind.Directory, 0, HashB), new("big", EntryKind.ChunkedFile, 1L << 40, HashA)];
        var decoded = ObjectCodec.DecodeTree(ObjectCodec.EncodeTree(entries), "x");
        Assert.Equal(entries.OrderBy(e => e.Name, StringComparer.Ordinal), decoded);
    }

    [Theory]
    [InlineData("f 12 {a} \n")]
    [InlineData("f 12 {a}\n")]
    [InlineData("x 12 {a} name\n")]
    [InlineData("f -1 {a} name\n")]
    [InlineData("f 12 {a}x name\n")]
    [InlineData("f 12 ABC name\n")]
    [InlineData("f 12 {A} name\n")]
    [InlineData("f 12 {a62}é name\n")]
    [InlineData("fx 12 {a} name\n")]
    [InlineData("f 1 {a} b\nf 1 {a} a\n")]
    [InlineData("f 1 {a} a\nf 1 {a} a\n")]
    public void A_malformed_tree_line_is_reported_as_corrupt(string line)
    {
        var e = Assert.Throws<PipeException>(() => ObjectCodec.DecodeTree(Encoding.UTF8.GetBytes(line.Replace("{a}", HashA).Replace("{A}", HashA.ToUpperInvariant()).Replace("{a62}", HashA[..62])), "x"));
        Assert.Equal(ErrorCodes.Corrupt, e.Code);
    }

    [Fact]
    public void A_name_that_is_not_utf8_is_reported_as_corrupt()
    {
        byte[] line = [.. Encoding.UTF8.GetBytes($"f 12 {HashA} "), 0xFF, (byte)'\n'];
        Assert.Equal(ErrorCodes.Corrupt, Assert.Throws<PipeException>(() => ObjectCodec.DecodeTree(line, "x")).Code);
    }

    [Fact]
    public void A_listing_finds_and_decodes_entries_by_name_without_decoding_the_rest()
    {
        var listing = Listing("b", "d", "f");
        Assert.Equal((3, 1, ~0, ~2, ~3), (listing.Count, listing.Find("d"), listing.Find("a"), listing.Find("e"), listing.Find("g")));
        Assert.Equal(new TreeEntry("f", EntryKind.File, 1, HashA), listing[2]);
        Assert.Equal(3, listing.TotalSize());
    }

    [Fact]
    public void A_listing_with_edits_encodes_as_the_edited_tree_would()
    {
        var listing = Listing("b", "d", "f");
        var edits = new SortedDictionary<string, TreeEntry?>(StringComparer.Ordinal)
        {
            ["a"] = new TreeEntry("a", EntryKind.Directory, 5, HashB),
            ["d"] = null,
            ["e"] = new TreeEntry("e", EntryKind.File, 2, HashB),
            ["f"] = new TreeEntry("f", EntryKind.File, 9, HashB),
            ["z"] = new TreeEntry("z", EntryKind.File, 1, HashA),
        };
        TreeEntry[] expected = [edits["a"]!, new("b", EntryKind.File, 1, HashA), edits["e"]!, edits["f"]!, edits["z"]!];

        Assert.Equal(ObjectCodec.EncodeTree(expected), TreeLines.Encode(listing, edits));
        Assert.Equal(ObjectCodec.EncodeTree([edits["a"]!]), TreeLines.Encode(null, [new("a", edits["a"])]));
    }

    private static TreeLines Listing(params string[] names) =>
        new(ObjectCodec.EncodeTree(names.Select(n => new TreeEntry(n, EntryKind.File, 1, HashA))), "x");
}
