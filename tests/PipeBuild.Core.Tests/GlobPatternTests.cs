using PipeBuild.Core;

namespace PipeBuild.Core.Tests;

/// <summary>The cases Pachyderm's documentation gives for glob patterns (paths in canonical form, "" is the root).</summary>
public sealed class GlobPatternTests
{
    [Theory]
    [InlineData("/", "", true)]
    [InlineData("/", "a", false)]
    [InlineData("/", "a/b", false)]
    [InlineData("/*", "a", true)]
    [InlineData("/*", "data.csv", true)]
    [InlineData("/*", "", false)]
    [InlineData("/*", "a/b", false)]
    [InlineData("/*/*", "a/b", true)]
    [InlineData("/*/*", "a", false)]
    [InlineData("/*/*", "a/b/c", false)]
    [InlineData("/*/*", "", false)]
    [InlineData("/**", "a", true)]
    [InlineData("/**", "a/b", true)]
    [InlineData("/**", "a/b/c/d.csv", true)]
    [InlineData("/*.csv", "x.csv", true)]
    [InlineData("/*.csv", ".csv", true)]
    [InlineData("/*.csv", "x.json", false)]
    [InlineData("/*.csv", "xcsv", false)]
    [InlineData("/*.csv", "d/x.csv", false)]
    [InlineData("/data/*", "data/x", true)]
    [InlineData("/data/*", "data", false)]
    [InlineData("/data/*", "other/x", false)]
    [InlineData("/**/*.json", "x.json", true)]
    [InlineData("/**/*.json", "a/b/x.json", true)]
    [InlineData("/**/*.json", "a/b/x.csv", false)]
    [InlineData("/[abc]", "a", true)]
    [InlineData("/[abc]", "c", true)]
    [InlineData("/[abc]", "d", false)]
    [InlineData("/[abc]", "ab", false)]
    [InlineData("/[a-c]*", "bravo", true)]
    [InlineData("/[a-c]*", "delta", false)]
    [InlineData("/[!abc]", "d", true)]
    [InlineData("/[!abc]", "a", false)]
    [InlineData("/[^abc]", "a", false)]
    [InlineData("/{a,b}.txt", "a.txt", true)]
    [InlineData("/{a,b}.txt", "b.txt", true)]
    [InlineData("/{a,b}.txt", "c.txt", false)]
    [InlineData("/{a,b}.txt", "ab.txt", false)]
    [InlineData("/{images,docs}/*", "docs/readme", true)]
    [InlineData("/?", "a", true)]
    [InlineData("/?", "ab", false)]
    [InlineData("/?", "", false)]
    [InlineData("/a?c", "abc", true)]
    [InlineData("/a?c", "a/c", false)]
    [InlineData("/file.txt", "file.txt", true)]
    [InlineData("/file.txt", "fileXtxt", false)]
    [InlineData("/a+b$c|d", "a+b$c|d", true)]
    [InlineData("/a+b$c|d", "aab$c|d", false)]
    [InlineData("/a+b$c|d", "d", false)]
    public void Matches(string pattern, string path, bool expected)
    {
        Assert.Equal(expected, GlobPattern.Parse(pattern).IsMatch(path));
    }

    [Theory]
    [InlineData("/", 0)]
    [InlineData("", 0)]
    [InlineData("/*", 1)]
    [InlineData("/*/*", 2)]
    [InlineData("/data/*.csv", 2)]
    [InlineData("/**", int.MaxValue)]
    [InlineData("/a/**/b", int.MaxValue)]
    public void MaxDepthIsTheDeepestLevelThePatternReaches(string pattern, int depth)
    {
        Assert.Equal(depth, GlobPattern.Parse(pattern).MaxDepth);
    }

    [Theory]
    [InlineData("/[abc")]
    [InlineData("/[a")]
    [InlineData("/[")]
    [InlineData("/a[")]
    [InlineData("/{a,b")]
    [InlineData("/[!]")]
    [InlineData("/[z-a]")]
    public void MalformedBracketsAreInvalid(string pattern)
    {
        var error = Assert.Throws<PipeException>(() => GlobPattern.Parse(pattern));

        Assert.Equal(ErrorCodes.InvalidGlob, error.Code);
        Assert.Contains(pattern, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void KeepsItsText()
    {
        var pattern = GlobPattern.Parse("/data/*.csv");

        Assert.Equal("/data/*.csv", pattern.Text);
        Assert.Equal("/data/*.csv", pattern.ToString());
    }
}
