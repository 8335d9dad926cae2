using PipeBuild.Core;

namespace PipeBuild.Core.Tests;

public sealed class CommitRefTests
{
    [Fact]
    public void ParsesRepoAtBranch()
    {
        var reference = CommitRef.Parse("images@master");

        Assert.Equal("images", reference.Repo);
        Assert.Equal("master", reference.Base);
        Assert.Empty(reference.Steps);
        Assert.Null(reference.Path);
        Assert.True(reference.IsPlain);
        Assert.Equal("", reference.NormalizedPath);
    }

    [Fact]
    public void ARepoAloneNamesTheDefaultBranch()
    {
        var reference = CommitRef.Parse("images");

        Assert.Equal("images", reference.Repo);
        Assert.Equal(CommitRef.DefaultBranch, reference.Base);
        Assert.True(reference.IsPlain);
    }

    [Fact]
    public void ARepoAloneIsRefusedWithoutADefault()
    {
        var error = Assert.Throws<PipeException>(() => CommitRef.Parse("images", defaultBase: null));

        Assert.Equal(ErrorCodes.InvalidReference, error.Code);
    }

    [Fact]
    public void ACommitIdIsKeptAsTheBase()
    {
        var reference = CommitRef.Parse("images@0123456789abcdef0123456789abcdef");

        Assert.Equal("0123456789abcdef0123456789abcdef", reference.Base);
        Assert.True(reference.IsPlain);
    }

    [Theory]
    [InlineData("data@master^", false, 1)]
    [InlineData("data@master^3", false, 3)]
    [InlineData("data@master~2", false, 2)]
    [InlineData("data@master~", false, 1)]
    [InlineData("data@master.1", true, 1)]
    [InlineData("data@master.12", true, 12)]
    public void ParsesOneAncestryStep(string text, bool fromOldest, int count)
    {
        var reference = CommitRef.Parse(text);

        Assert.Equal("master", reference.Base);
        Assert.Equal([new AncestryStep(fromOldest, count)], reference.Steps);
        Assert.False(reference.IsPlain);
    }

    [Fact]
    public void RepeatedCaretsGoBackOneParentEach()
    {
        var reference = CommitRef.Parse("data@master^^");

        Assert.Equal([new AncestryStep(false, 1), new AncestryStep(false, 1)], reference.Steps);
    }

    [Fact]
    public void StepsCombineInOrder()
    {
        var reference = CommitRef.Parse("data@dev.3^2~1");

        Assert.Equal("dev", reference.Base);
        Assert.Equal([new AncestryStep(true, 3), new AncestryStep(false, 2), new AncestryStep(false, 1)], reference.Steps);
    }

    [Theory]
    [InlineData("data@master:/housing.csv", "/housing.csv", "housing.csv")]
    [InlineData("data@master:/dir//sub/file.txt/", "/dir//sub/file.txt/", "dir/sub/file.txt")]
    [InlineData("data@master:", "", "")]
    [InlineData("data@master:/a@b:c", "/a@b:c", "a@b:c")]
    public void ThePathFollowsTheFirstColon(string text, string path, string normalized)
    {
        var reference = CommitRef.Parse(text);

        Assert.Equal("data", reference.Repo);
        Assert.Equal("master", reference.Base);
        Assert.Equal(path, reference.Path);
        Assert.Equal(normalized, reference.NormalizedPath);
    }

    [Fact]
    public void APathWorksWithAncestryAndWithoutABranch()
    {
        var withSteps = CommitRef.Parse("data@master^2:/x.csv");
        var withoutBranch = CommitRef.Parse("data:/x.csv");

        Assert.Equal([new AncestryStep(false, 2)], withSteps.Steps);
        Assert.Equal("/x.csv", withSteps.Path);
        Assert.Equal("master", withoutBranch.Base);
        Assert.Equal("x.csv", withoutBranch.NormalizedPath);
    }

    [Theory]
    [InlineData("data@")]
    [InlineData("data@^")]
    [InlineData("data@master.")]
    [InlineData("data@master.0")]
    [InlineData("data@master^x")]
    [InlineData("data@master~2b")]
    [InlineData("data@mas ter")]
    [InlineData("data@@master")]
    [InlineData("data@master^99999999999")]
    public void InvalidReferencesAreRefused(string text)
    {
        var error = Assert.Throws<PipeException>(() => CommitRef.Parse(text));

        Assert.Equal(ErrorCodes.InvalidReference, error.Code);
        Assert.Contains(text, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("@master")]
    [InlineData("my data@master")]
    [InlineData("da.ta@master")]
    [InlineData(":/x.csv")]
    public void InvalidRepoNamesAreRefused(string text)
    {
        var error = Assert.Throws<PipeException>(() => CommitRef.Parse(text));

        Assert.Equal(ErrorCodes.InvalidName, error.Code);
    }

    [Fact]
    public void AnInvalidPathIsRefusedWhenNormalized()
    {
        var reference = CommitRef.Parse("data@master:/../secret");

        var error = Assert.Throws<PipeException>(() => reference.NormalizedPath);
        Assert.Equal(ErrorCodes.InvalidPath, error.Code);
    }

    [Theory]
    [InlineData("data@master", "data@master")]
    [InlineData("data@master^", "data@master~1")]
    [InlineData("data@master^^.2:/a.csv", "data@master~1~1.2:/a.csv")]
    public void ToStringIsCanonicalAndParsesBackToTheSameReference(string text, string expected)
    {
        var reference = CommitRef.Parse(text);
        var again = CommitRef.Parse(reference.ToString());

        Assert.Equal(expected, reference.ToString());
        Assert.Equal(reference.Repo, again.Repo);
        Assert.Equal(reference.Base, again.Base);
        Assert.Equal(reference.Steps, again.Steps);
        Assert.Equal(reference.Path, again.Path);
    }
}
