namespace PipeBuild.Store.Tests;

/// <summary>Line diffs as unified hunks: context, merging of near changes, whole files added or removed, what is not text.</summary>
public sealed class LineDiffTests
{
    private static readonly string Ten = string.Concat(Enumerable.Range(1, 10).Select(i => $"line {i}\n"));

    [Fact]
    public void A_changed_line_is_one_hunk_with_three_lines_of_context()
    {
        var hunk = Assert.Single(LineDiff.Compute(Ten, Ten.Replace("line 5\n", "line five\n", StringComparison.Ordinal)));

        Assert.Equal("@@ -2,7 +2,7 @@", hunk.Header);
        Assert.Equal(
            [" line 2", " line 3", " line 4", "-line 5", "+line five", " line 6", " line 7", " line 8"],
            hunk.Lines.Select(l => $"{l.Kind}{l.Text}"));
    }

    [Fact]
    public void Changes_more_than_six_lines_apart_are_two_hunks_and_closer_ones_one()
    {
        var far = LineDiff.Compute(Ten, Ten.Replace("line 1\n", "one\n", StringComparison.Ordinal).Replace("line 10\n", "ten\n", StringComparison.Ordinal));
        Assert.Equal(["@@ -1,4 +1,4 @@", "@@ -7,4 +7,4 @@"], far.Select(h => h.Header));

        var near = LineDiff.Compute(Ten, Ten.Replace("line 2\n", "two\n", StringComparison.Ordinal).Replace("line 8\n", "eight\n", StringComparison.Ordinal));
        Assert.Equal(["@@ -1,10 +1,10 @@"], near.Select(h => h.Header));
    }

    [Fact]
    public void An_added_file_is_every_line_added_and_equal_texts_have_no_hunk()
    {
        Assert.Equal("@@ -0,0 +1,2 @@", Assert.Single(LineDiff.Compute("", "a\nb\n")).Header);
        Assert.Equal("@@ -1 +0,0 @@", Assert.Single(LineDiff.Compute("gone\n", "")).Header);
        Assert.Empty(LineDiff.Compute(Ten, Ten));
        Assert.Empty(LineDiff.Compute("a\r\nb\r\n", "a\nb\n")); // line endings are not changes of content
    }

    [Fact]
    public void Unified_text_is_what_diff_u_prints()
    {
        Assert.Equal(
            "--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n",
            LineDiff.Unified("a/x", "b/x", LineDiff.Compute("a\nb\n", "a\nc\n")));
    }

    [Fact]
    public void Text_is_valid_utf8_without_nul()
    {
        Assert.True(LineDiff.IsText("naïve, 東京\n"u8));
        Assert.False(LineDiff.IsText([0x50, 0x4B, 0x03, 0x04, 0x00]));
        Assert.False(LineDiff.IsText([0xC3, 0x28]));
    }
}
