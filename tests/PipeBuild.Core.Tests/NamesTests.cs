using PipeBuild.Core;

namespace PipeBuild.Core.Tests;

public sealed class NamesTests
{
    [Theory]
    [InlineData("a")]
    [InlineData("master")]
    [InlineData("csv_data")]
    [InlineData("edges-2024")]
    [InlineData("ABC_def-123")]
    [InlineData("0123456789abcdef0123456789abcdef")]
    public void ValidNames(string name)
    {
        Assert.True(Names.IsValid(name));
        Assert.Equal(name, Names.Validate(name, "repo"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("has space")]
    [InlineData("dot.name")]
    [InlineData("slash/name")]
    [InlineData("at@name")]
    [InlineData("caret^")]
    [InlineData("colon:")]
    [InlineData("données")]
    public void InvalidNames(string? name)
    {
        Assert.False(Names.IsValid(name));
        var error = Assert.Throws<PipeException>(() => Names.Validate(name, "branch"));
        Assert.Equal(ErrorCodes.InvalidName, error.Code);
        Assert.Contains("branch", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NamesWithControlCharactersAreInvalid()
    {
        // A trailing newline must not slip through a "$" anchor.
        Assert.False(Names.IsValid("master\n"));
        Assert.False(Names.IsValid("tab\tname"));
        Assert.False(Names.IsValid("\nmaster"));
        Assert.Throws<PipeException>(() => Names.Validate("master\n", "branch"));
    }

    [Fact]
    public void NamesAreLimitedInLength()
    {
        Assert.True(Names.IsValid(new string('a', Names.MaxLength)));
        Assert.False(Names.IsValid(new string('a', Names.MaxLength + 1)));
    }
}
