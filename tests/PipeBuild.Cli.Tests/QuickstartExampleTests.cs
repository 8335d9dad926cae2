using CliWrap;
using CliWrap.Buffered;

namespace PipeBuild.Cli.Tests;

/// <summary>examples/quickstart/run.sh end to end, as the README's main job runs it, with the built tool.</summary>
public sealed class QuickstartExampleTests
{
    [Fact]
    public async Task The_quickstart_runs_and_reruns_only_what_changed()
    {
        var script = RepositoryPaths.Combine("examples", "quickstart", "run.sh");
        var work = Directory.CreateTempSubdirectory("pipe-quickstart-").FullName;
        try
        {
            var result = await CliWrap.Cli.Wrap("bash")
                .WithArguments([script])
                .WithEnvironmentVariables(e => e.Set("PIPE", $"dotnet {PipeCli.ToolPath}").Set("WORKDIR", work))
                .WithValidation(CommandResultValidation.None)
                .ExecuteBufferedAsync();
            var output = result.StandardOutput + result.StandardError;
            Assert.True(result.ExitCode == 0, output);
            Assert.Contains("stats: success, 3 datum(s) ran", output);
            Assert.Contains("stats: failure, 0 datum(s) ran, 0 reused, 1 failed", output);
            Assert.Contains("stats: success, 0 datum(s) ran, 3 reused", output); // rollback
            Assert.Contains("stats: success, 2 datum(s) ran, 2 reused", output); // new data
            Assert.Contains("{\"rows\": 2, \"meanRooms\": 6.498, \"meanValue\": 478800}", File.ReadAllText(Path.Combine(work, "out", "rows-aa.json")));
            Assert.Equal(4, Directory.GetFiles(Path.Combine(work, "out")).Length);
            Assert.Contains("ok:", output); // fsck
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }
}
