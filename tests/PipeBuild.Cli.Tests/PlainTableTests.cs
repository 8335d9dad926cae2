namespace PipeBuild.Cli.Tests;

/// <summary>The tables written without Spectre.Console are exactly those Spectre.Console writes, and only those.</summary>
public sealed class PlainTableTests
{
    public static TheoryData<string[][]> Tables() => new()
    {
        new[] { new[] { "COMPONENT", "VERSION" }, ["dotnet-pipe", "0.1.0+657e816"] },
        new[] { new[] { "NAME", "TYPE", "SIZE" } },
        new[] { new[] { "A", "B", "C" }, ["", "x", ""], ["long value", "", "[not markup]"], ["  two  spaces  ", "a  b", "~!@#$%^&*()"] },
        new[] { new[] { "ONE" }, ["a"], ["bb"], ["ccc"] },
    };

    [Theory]
    [MemberData(nameof(Tables))]
    public void Plain_tables_are_Spectres(string[][] rows)
    {
        foreach (var width in new[] { 1000, 80, 20 })
        {
            if (Renderer.PlainTable(rows, width) is { } plain)
            {
                Assert.Equal(Renderer.SpectreTable(rows, width), plain);
            }
        }
    }

    [Fact]
    public void Random_ascii_tables_are_Spectres()
    {
        var random = new Random(19);
        for (var t = 0; t < 200; t++)
        {
            var columns = random.Next(1, 6);
            string[] headers = [.. Enumerable.Range(0, columns).Select(_ => new string('H', random.Next(1, 8)))]; // headers are the tool's own words, never markup
            string[][] rows = [headers, .. Enumerable.Range(0, random.Next(0, 6))
                .Select(_ => Enumerable.Range(0, columns).Select(_ => new string([.. Enumerable.Range(0, random.Next(0, 12)).Select(_ => (char)random.Next(' ', '~' + 1))])).ToArray())];
            var width = random.Next(10, 100);
            if (Renderer.PlainTable(rows, width) is { } plain)
            {
                Assert.Equal(Renderer.SpectreTable(rows, width), plain);
            }
        }
    }

    [Theory]
    [InlineData("ünïcode")]
    [InlineData("wide 表")]
    [InlineData("two\nlines")]
    [InlineData("tab\there")]
    public void Other_cells_are_left_to_Spectre(string cell) => Assert.Null(Renderer.PlainTable([["H"], [cell]], 1000));

    [Fact]
    public void A_table_as_wide_as_the_terminal_is_left_to_Spectre() =>
        Assert.Null(Renderer.PlainTable([["H", "I"], [new string('x', 30), "y"]], 30 + 3 + 1 + 3));
}
