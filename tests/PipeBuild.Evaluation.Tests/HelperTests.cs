using PipeBuild.Core;

namespace PipeBuild.Evaluation.Tests;

public sealed class HelperTests
{
    [Theory]
    [InlineData("python3 /code/pytrain.py /pfs/training/ /pfs/out/", new[] { "python3", "/code/pytrain.py", "/pfs/training/", "/pfs/out/" })]
    [InlineData("a 'b c' \"d \\\"e\\\" \\$f\" g\\ h", new[] { "a", "b c", "d \"e\" $f", "g h" })]
    [InlineData("'' \"\" x", new[] { "", "", "x" })]
    [InlineData("  one\n\ttwo  ", new[] { "one", "two" })]
    [InlineData("'it'\\''s'", new[] { "it's" })]
    public void Shell_words_split_without_expansion(string text, string[] words)
    {
        Assert.True(ShellWords.TrySplit(text, out var actual, out _));
        Assert.Equal(words, actual);
    }

    [Theory]
    [InlineData(new object[] { new[] { "python3", "/code/x.py" } })]
    [InlineData(new object[] { new[] { "a b", "it's", "", "$HOME", "\"q\"", "tab\there", "line\nbreak" } })]
    public void Shell_words_join_round_trips(string[] words)
    {
        Assert.True(ShellWords.TrySplit(ShellWords.Join(words), out var actual, out _));
        Assert.Equal(words, actual);
    }

    [Fact]
    public void Shell_words_report_an_unclosed_quote()
    {
        Assert.False(ShellWords.TrySplit("echo \"x", out _, out var error));
        Assert.Equal("the double quote at character 6 is not closed", error);
    }

    [Fact]
    public void Multiline_blocks_are_dedented()
    {
        var lines = MultilineText.Lines("\n      for f in *\n      do\n        echo $f\n\n      done\n    ");

        Assert.Equal(["for f in *", "do", "  echo $f", "", "done"], lines);
    }

    [Theory]
    [InlineData("single line")]
    [InlineData("  keeps its spaces  ")]
    [InlineData("first\n  second")]
    public void Text_that_is_not_a_block_is_read_as_written(string text)
    {
        Assert.Equal(text.Split('\n'), MultilineText.Lines(text));
    }

    [Theory]
    [InlineData(new object[] { new[] { "a", "  b", "" } })]
    [InlineData(new object[] { new[] { "  all", "  indented" } })]
    [InlineData(new object[] { new[] { "", "starts blank", "   " } })]
    public void Multiline_format_round_trips(string[] lines)
    {
        Assert.Equal(lines, MultilineText.Lines(MultilineText.Format(lines, "      ", "    ")));
    }

    [Fact]
    public void Multiline_format_cannot_keep_blank_ends_around_indented_lines()
    {
        // Such text reads as an indented block whatever the layout: the documented limitation.
        Assert.Equal(["x"], MultilineText.Lines(MultilineText.Format(["", "  x", ""], "      ", "    ")));
    }

    [Theory]
    [InlineData("60s", 60_000)]
    [InlineData("1.5s", 1_500)]
    [InlineData("1m30s", 90_000)]
    [InlineData("2h", 7_200_000)]
    [InlineData("250ms", 250)]
    [InlineData("90", 90_000)]
    [InlineData("0.25", 250)]
    public void Durations_parse_go_strings_and_seconds(string text, long milliseconds)
    {
        Assert.True(Durations.TryParse(text, out var duration));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), duration);
    }

    [Theory]
    [InlineData("")]
    [InlineData("soon")]
    [InlineData("5 minutes")]
    [InlineData("-5s")]
    [InlineData("1d")]
    public void Durations_refuse_other_text(string text)
    {
        Assert.False(Durations.TryParse(text, out _));
    }

    [Theory]
    [InlineData(60.0, "60")]
    [InlineData(1.5, "1.5")]
    public void Durations_format_as_seconds(double seconds, string text)
    {
        Assert.Equal(text, Durations.FormatSeconds(TimeSpan.FromSeconds(seconds)));
    }

    [Theory]
    [InlineData("filename=$(basename \"$f\")", "filename=%24(basename \"$f\")")]
    [InlineData("100%25 @(x) %(y) $HOME $1 50%", "100%2525 %40(x) %25(y) $HOME $1 50%")]
    public void MSBuild_text_escapes_only_what_msbuild_would_expand(string text, string escaped)
    {
        Assert.Equal(escaped, MSBuildText.Escape(text));
    }

    [Fact]
    public void MSBuild_include_text_also_escapes_wildcards_and_separators()
    {
        Assert.Equal("a%3Bb%2A%3F.py", MSBuildText.Escape("a;b*?.py", include: true));
    }
}
