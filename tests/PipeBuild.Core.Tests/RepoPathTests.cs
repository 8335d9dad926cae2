using PipeBuild.Core;

namespace PipeBuild.Core.Tests;

public sealed class RepoPathTests
{
    [Theory]
    [InlineData(null, "")]
    [InlineData("", "")]
    [InlineData("/", "")]
    [InlineData("///", "")]
    [InlineData("a", "a")]
    [InlineData("/a", "a")]
    [InlineData("a/", "a")]
    [InlineData("/a//b/", "a/b")]
    [InlineData("//dir///sub//file.csv", "dir/sub/file.csv")]
    [InlineData("/.hidden/..dots/x.", ".hidden/..dots/x.")]
    [InlineData("/données/日本語 file.txt", "données/日本語 file.txt")]
    [InlineData("/emoji-😀.txt", "emoji-😀.txt")]
    public void NormalizeDropsLeadingTrailingAndDuplicateSlashes(string? path, string expected)
    {
        Assert.Equal(expected, RepoPath.Normalize(path));
    }

    [Theory]
    [InlineData("..")]
    [InlineData("/../etc/passwd")]
    [InlineData("/a/../b")]
    [InlineData("a/..")]
    [InlineData(".")]
    [InlineData("/a/./b")]
    public void DotSegmentsAreRefused(string path)
    {
        var error = Assert.Throws<PipeException>(() => RepoPath.Normalize(path));

        Assert.Equal(ErrorCodes.InvalidPath, error.Code);
    }

    [Fact]
    public void NamesThatWereNotValidUtf8AreRefused()
    {
        // Built here rather than in [InlineData] so that no test name carries a lone surrogate.
        string[] paths = ["/bad\uFFFDname", "/dir/" + '\uD800', "/x" + '\uDC00' + "y", "/ends-with-high" + '\uD83D', "/" + '\uDE00' + '\uD83D'];
        foreach (var path in paths)
        {
            var error = Assert.Throws<PipeException>(() => RepoPath.Normalize(path));
            Assert.Equal(ErrorCodes.NonUtf8Name, error.Code);
        }
    }

    [Fact]
    public void ControlCharactersAndBackslashesAreRefused()
    {
        string[] paths = ["/a\nb", "/tab\there", "/nul\0", "/del\u007F", "/c1\u0085", "/dir\\file", "\\"];
        foreach (var path in paths)
        {
            var error = Assert.Throws<PipeException>(() => RepoPath.Normalize(path));
            Assert.Equal(ErrorCodes.InvalidPath, error.Code);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("a/b")]
    public void ASegmentIsOneNonEmptyName(string segment)
    {
        var error = Assert.Throws<PipeException>(() => RepoPath.ValidateSegment(segment));

        Assert.Equal(ErrorCodes.InvalidPath, error.Code);
    }

    [Fact]
    public void HelpersComposeCanonicalPaths()
    {
        Assert.Equal("a", RepoPath.Combine("", "a"));
        Assert.Equal("a", RepoPath.Combine("a", ""));
        Assert.Equal("a/b", RepoPath.Combine("a", "b"));
        Assert.Equal("a/b", RepoPath.Parent("a/b/c.csv"));
        Assert.Equal("", RepoPath.Parent("c.csv"));
        Assert.Equal("c.csv", RepoPath.Name("a/b/c.csv"));
        Assert.Equal("c.csv", RepoPath.Name("c.csv"));
        Assert.Equal("/", RepoPath.Display(RepoPath.Root));
        Assert.Equal("/a/b", RepoPath.Display("a/b"));
    }

    [Fact]
    public void Walk_order_puts_a_directory_before_its_contents_and_siblings_by_name()
    {
        string[] walk = ["", "0.txt", "a", "a/1.txt", "a/b", "a/b/c", "a b", "a-b", "a-b/x", "a.c", "b"];
        Assert.Equal(walk, walk.Reverse().Order(Comparer<string>.Create(RepoPath.CompareWalkOrder)));
        Assert.Equal(0, RepoPath.CompareWalkOrder("a/b", "a/b"));
    }
}
