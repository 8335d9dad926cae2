using CliWrap;
using CliWrap.Buffered;

namespace PipeBuild.Templates.Tests;

/// <summary>Each template instantiated from the installed pack into a temp folder, then run with the built tool.</summary>
public sealed class TemplateTests
{
    [SkippableTheory]
    [InlineData("shell")]
    [InlineData("python")]
    [InlineData("csharp")]
    public async Task A_new_workspace_with_a_new_pipeproj_counts_lines_and_words(string transform)
    {
        if (transform == "python")
        {
            RequiredComponent.Require("python3", await PythonMissingAsync(), "install python3 (eng/test.sh does)");
        }

        var pack = await TemplatePack.Shared;
        using var work = new TempWorkspace(init: false);
        (await pack.NewAsync(work.Root, "pipe-workspace", "-n", "ws", "-o", ".")).ShouldSucceed();
        Assert.True(File.Exists(Path.Combine(work.Root, ".pipe", "config.json")), "the workspace template makes .pipe/config.json");
        (await pack.NewAsync(work.Root, "pipeproj", "-n", "count", "--input", "words", "--transform", transform)).ShouldSucceed();
        var script = transform switch { "python" => "transform.py", "csharp" => "transform.cs", _ => "transform.sh" };
        Assert.Equal(["count.pipeproj", script], Directory.GetFiles(Path.Combine(work.Root, "count")).Select(Path.GetFileName).Order(StringComparer.Ordinal));

        work.Run("repo", "create", "words").ShouldSucceed();
        work.Run("file", "put", "words@master:a.txt", "-f", work.Write("in/a.txt", "one two three\nfour five\n"), "--no-run").ShouldSucceed();
        work.Run("file", "put", "words@master:b.txt", "-f", work.Write("in/b.txt", "six\n"), "--no-run").ShouldSucceed();
        Assert.Contains("count: success, 2 datum(s) ran", work.Run("run").ShouldSucceed().Stdout);
        Assert.Equal("2 5\n", work.Run("file", "get", "count@master:a.txt.count").ShouldSucceed().Stdout);
        Assert.Equal("1 1\n", work.Run("file", "get", "count@master:b.txt.count").ShouldSucceed().Stdout);

        // the template's pipeline is incremental: one changed input file reruns one datum
        var put = work.Run("file", "put", "words@master:b.txt", "-f", work.Write("in/b2.txt", "six seven\n"));
        Assert.Contains("count: success, 1 datum(s) ran, 1 reused", put.ShouldSucceed().Stderr);
        Assert.Equal("1 2\n", work.Run("file", "get", "count@master:b.txt.count").ShouldSucceed().Stdout);
    }

    [Fact]
    public async Task A_pipeproj_of_a_new_workspace_builds_with_dotnet_build_from_the_packed_sdk()
    {
        var pack = await TemplatePack.Shared;
        using var sdk = new SdkFeed();
        using var work = new TempWorkspace(init: false);
        (await pack.NewAsync(work.Root, "pipe-workspace", "-n", "ws", "-o", ".")).ShouldSucceed();
        (await pack.NewAsync(work.Root, "pipeproj", "-n", "count", "--input", "words")).ShouldSucceed();
        Assert.Contains($"\"PipeBuild.Sdk\": \"{SdkFeed.Version}\"", File.ReadAllText(Path.Combine(work.Root, "global.json")));
        File.WriteAllText(Path.Combine(work.Root, "nuget.config"), sdk.NugetConfig()); // the feed a user's machine would have
        work.Run("repo", "create", "words").ShouldSucceed();
        work.Run("file", "put", "words@master:a.txt", "-f", work.Write("in/a.txt", "one two three\n"), "--no-run").ShouldSucceed();

        var build = sdk.Dotnet(work.Root, ["build", "count/count.pipeproj", "-nodeReuse:false", "-nologo"]);

        Assert.True(build.ExitCode == 0, build.Output);
        Assert.Contains("count: success, 1 datum(s) ran", build.Output);
        Assert.Equal("1 3\n", work.Run("file", "get", "count@master:a.txt.count").ShouldSucceed().Stdout);
    }

    [Fact]
    public async Task Template_parameters_reach_the_pipeproj()
    {
        var pack = await TemplatePack.Shared;
        using var work = new TempWorkspace(init: false);
        (await pack.NewAsync(work.Root, "pipe-workspace", "-n", "ws", "-o", ".", "--parallelism", "3", "--default-branch", "main")).ShouldSucceed();
        (await pack.NewAsync(work.Root, "pipeproj", "-n", "whole", "--input", "logs", "--glob", "/")).ShouldSucceed();
        var project = File.ReadAllText(Path.Combine(work.Root, "whole", "whole.pipeproj"));
        Assert.Contains("<PipeInput Include=\"logs\" Glob=\"/\" />", project);
        Assert.Contains("<Command>sh transform.sh /pfs/logs /pfs/out</Command>", project);
        Assert.Contains("<Parallelism>3</Parallelism>", File.ReadAllText(Path.Combine(work.Root, "Directory.Build.props")));

        work.Run("repo", "create", "logs").ShouldSucceed();
        work.Run("pipeline", "create", "-f", "whole/whole.pipeproj").ShouldSucceed();
        Assert.Equal(["whole"], JsonOutput.Column(work.Run("pipeline", "list", "--output", "json"), "name"));

        // the workspace's default branch: data put without @BRANCH and the pipeline's output both land on main
        work.Run("file", "put", "logs:a.log", "-f", work.Write("in/a.log", "one two\n")).ShouldSucceed();
        Assert.Equal(["main"], JsonOutput.Column(work.Run("branch", "list", "logs", "--output", "json"), "name"));
        Assert.Equal(["main"], JsonOutput.Column(work.Run("branch", "list", "whole", "--output", "json"), "name"));
    }

    private static async Task<string?> PythonMissingAsync()
    {
        try
        {
            var result = await CliWrap.Cli.Wrap("python3").WithArguments(["--version"]).WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
            return result.ExitCode == 0 ? null : "python3 --version failed";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "python3 is not on PATH";
        }
    }
}
