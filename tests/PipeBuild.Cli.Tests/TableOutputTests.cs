namespace PipeBuild.Cli.Tests;

/// <summary>Tables end each row with its own value, and on a terminal wrap long values to its width.</summary>
public sealed class TableOutputTests : IDisposable
{
    // A command of 300 characters: inspect printed every row padded to it (300-character rows).
    private static readonly string LongCommand = "echo " + string.Join(' ', Enumerable.Range(1, 60).Select(i => $"w{i:000}")) + " > /pfs/out/x";

    private readonly TempWorkspace ws = new();

    public TableOutputTests() => ws.Write("long.pipeproj", $"""
        <Project Sdk="PipeBuild.Sdk">
          <PropertyGroup>
            <Command>{LongCommand}</Command>
          </PropertyGroup>
          <ItemGroup>
            <PipeInput Include="data" Glob="/*" />
          </ItemGroup>
        </Project>
        """);

    [Fact]
    public void Piped_inspect_rows_are_not_padded_to_the_longest_value()
    {
        var lines = Lines(ws.Run("pipeline", "inspect", "-f", "long.pipeproj").ShouldSucceed().Stdout);

        Assert.Contains(lines, l => l.EndsWith(LongCommand, StringComparison.Ordinal)); // piped output never wraps
        Assert.All(lines, l => Assert.False(l.EndsWith(' '), $"trailing spaces: '{l}'"));
        Assert.All(lines.Where(l => !l.Contains(LongCommand, StringComparison.Ordinal)), l => Assert.True(l.Length < 100, $"{l.Length} characters: '{l}'"));
    }

    [Fact]
    public void On_a_terminal_long_values_wrap_to_its_width()
    {
        var lines = Lines(ws.RunOnTerminal(60, "pipeline", "inspect", "-f", "long.pipeproj").ShouldSucceed().Stdout);

        Assert.All(lines, l => Assert.True(l.Length <= 60, $"{l.Length} characters: '{l}'"));
        var words = string.Join(' ', lines).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(LongCommand.Split(' '), words.SkipWhile(w => w != "echo").Take(LongCommand.Split(' ').Length)); // nothing is cut
    }

    private static string[] Lines(string stdout) => stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    public void Dispose() => ws.Dispose();
}
