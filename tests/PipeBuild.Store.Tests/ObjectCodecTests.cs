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
    [InlineData("fx 12 {a} name\n")]
    public void A_malformed_tree_line_is_reported_as_corrupt(string line)
    {
        var e = Assert.Throws<PipeException>(() => ObjectCodec.DecodeTree(Encoding.UTF8.GetBytes(line.Replace("{a}", HashA)), "x"));
        Assert.Equal(ErrorCodes.Corrupt, e.Code);
    }

    [Fact]
    public void A_name_that_is_not_utf8_is_reported_as_corrupt()
    {
        byte[] line = [.. Encoding.UTF8.GetBytes($"f 12 {HashA} "), 0xFF, (byte)'\n'];
        Assert.Equal(ErrorCodes.Corrupt, Assert.Throws<PipeException>(() => ObjectCodec.DecodeTree(line, "x")).Code);
    }
}
