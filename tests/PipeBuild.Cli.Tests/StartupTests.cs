using CliWrap;
using CliWrap.Buffered;

namespace PipeBuild.Cli.Tests;

/// <summary>
/// Short commands start fast because they load only what they use: a command line is parsed by a root holding only
/// its command, and commands that evaluate nothing never load MSBuild (nor, printing a plain table, Spectre.Console).
/// </summary>
public sealed class StartupTests : IDisposable
{
    private readonly TempWorkspace ws = new();

    [Fact]
    public void The_table_of_top_level_commands_names_every_command_and_alias()
    {
        var all = PipeTool.RootFor([]).Subcommands.SelectMany(c => c.Aliases.Prepend(c.Name)).Order(StringComparer.Ordinal);

        Assert.Equal(all, PipeTool.TopLevel.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, _) in PipeTool.TopLevel)
        {
            var command = Assert.Single(PipeTool.RootFor([name]).Subcommands);
            Assert.True(command.Name == name || command.Aliases.Contains(name), name);
        }
    }

    [Fact]
    public void A_command_parsed_by_its_own_root_takes_no_wait_as_the_full_tree_does()
    {
        var put = PipeTool.RootFor(["file"]).Subcommands.Single().Subcommands.Single(c => c.Name == "put");

        Assert.Contains("--no-wait", put.Options.Single(o => o.Name == "--no-run").Aliases);
    }

    [Theory]
    [InlineData("version")]
    [InlineData("file", "get", "data@master:a.txt")]
    [InlineData("file", "list", "data@master")]
    public async Task Commands_that_evaluate_nothing_load_neither_MSBuild_nor_Spectre(params string[] args)
    {
        ws.Run("repo", "create", "data").ShouldSucceed();
        ws.Write("in/a.txt", "a");
        ws.Run("file", "put", "data@master:a.txt", "-f", "in/a.txt").ShouldSucceed();

        var result = await ws.Command(args).WithEnvironmentVariables(e => e.Set("PIPE_LIST_ASSEMBLIES", "1")).ExecuteBufferedAsync();

        Assert.Equal(0, result.ExitCode);
        var loaded = result.StandardError.Split('\n').Single(l => l.StartsWith("loaded: ", StringComparison.Ordinal)).Split(' ').Skip(1).ToArray();
        Assert.Contains("PipeBuild.Core", loaded); // the list is there
        Assert.DoesNotContain(loaded, a => a.StartsWith("Microsoft.Build", StringComparison.Ordinal) || a == "PipeBuild.Evaluation");
        Assert.DoesNotContain(loaded, a => a.StartsWith("Spectre.Console", StringComparison.Ordinal));
    }

    public void Dispose() => ws.Dispose();
}
