namespace PipeBuild.Cli.Tests;

/// <summary>
/// <c>pipeline update</c> keeps the results of datums already processed, as Pachyderm's does without
/// <c>--reprocess</c>; <c>run</c> after a .pipeproj edit keeps the build rule (a changed transform reruns every datum).
/// </summary>
public sealed class PipelineUpdateTests : IDisposable
{
    private const string Spec = """
        {
          "pipeline": { "name": "copy" },
          "transform": { "image": "IMAGE", "cmd": ["sh", "-c", "tr a-z A-Z < \"$in\" > /pfs/out/$(basename \"$in\")"] },
          "input": { "pfs": { "repo": "in", "glob": "/*" } }
        }
        """;

    private const string Project = """
        <Project Sdk="PipeBuild.Sdk">
          <PropertyGroup>
            <Command>tr a-z A-Z &lt; "$in" &gt; /pfs/out/`basename "$in"`</Command>
          </PropertyGroup>
          <ItemGroup>
            <PipeInput Include="in" Glob="/*" />
          </ItemGroup>
        </Project>
        """;

    private readonly TempWorkspace ws = new();

    [Fact]
    public void An_update_of_the_image_only_reruns_no_datum_then_a_new_file_runs_alone_and_reprocess_reruns_all()
    {
        PutThreeFiles();
        ws.Write("copy.json", Spec.Replace("IMAGE", "registry.local/copy:1", StringComparison.Ordinal));
        Assert.Contains("copy: success, 3 datum(s) ran, 0 reused", ws.Run("pipeline", "create", "-f", "copy.json").ShouldSucceed().Stdout);

        // only the image changes: status says the kept results will be reused, and the job reuses them
        ws.Write("copy.json", Spec.Replace("IMAGE", "registry.local/copy:2", StringComparison.Ordinal));
        ws.Run("pipeline", "update", "-f", "copy.json", "--no-run").ShouldSucceed();
        var status = ws.Run("status").ShouldSucceed().Stdout;
        Assert.Contains("pipeline update keeps its results", status);
        Assert.Contains("0 datum(s) new, 0 changed, 0 removed, 3 reused", status);
        var update = ws.Run("pipeline", "update", "-f", "copy.json").ShouldSucceed().Stdout; // registered again: still the first one's results
        Assert.Contains("copy: success, 0 datum(s) ran, 3 reused", update);
        Assert.Equal("A\n", ws.Run("file", "get", "copy@master:a.txt").ShouldSucceed().Stdout);
        Assert.Equal(0, ws.Run("run", "--question").ExitCode);

        // one new input file: only its datum runs, and status said so first
        ws.Run("file", "put", "in@master:d.txt", "-f", ws.Write("in/d.txt", "d\n"), "--no-run").ShouldSucceed();
        Assert.Contains("1 datum(s) new, 0 changed, 0 removed, 3 reused", ws.Run("status").ShouldSucceed().Stdout);
        Assert.Contains("copy: success, 1 datum(s) ran, 3 reused", ws.Run("run").ShouldSucceed().Stdout);

        // --reprocess reruns every datum
        var reprocessed = JsonOutput.Parse(ws.Run("pipeline", "update", "-f", "copy.json", "--reprocess", "--output", "json").ShouldSucceed())[0];
        Assert.Equal((4, 0), (reprocessed.GetProperty("datumsProcessed").GetInt32(), reprocessed.GetProperty("datumsSkipped").GetInt32()));
    }

    [Fact]
    public void An_update_keeps_results_that_the_new_transform_would_compute_differently_until_reprocess()
    {
        PutThreeFiles();
        ws.Write("copy.json", Spec.Replace("IMAGE", "registry.local/copy:1", StringComparison.Ordinal));
        ws.Run("pipeline", "create", "-f", "copy.json").ShouldSucceed();

        // Pachyderm's semantics: processed datums keep their results even when the command changed; a new one gets the new command
        ws.Write("copy.json", Spec.Replace("IMAGE", "registry.local/copy:1", StringComparison.Ordinal).Replace("tr a-z A-Z", "rev", StringComparison.Ordinal));
        Assert.Contains("copy: success, 0 datum(s) ran, 3 reused", ws.Run("pipeline", "update", "-f", "copy.json").ShouldSucceed().Stdout);
        ws.Run("file", "put", "in@master:d.txt", "-f", ws.Write("in/d.txt", "xy\n")).ShouldSucceed();
        Assert.Equal(("A\n", "yx\n"), (ws.Run("file", "get", "copy@master:a.txt").Stdout, ws.Run("file", "get", "copy@master:d.txt").Stdout));

        ws.Run("pipeline", "update", "-f", "copy.json", "--reprocess").ShouldSucceed();
        Assert.Equal("a\n", ws.Run("file", "get", "copy@master:a.txt").ShouldSucceed().Stdout);
    }

    [Fact]
    public void Run_after_a_pipeproj_edit_reruns_every_datum_as_before_and_question_says_so()
    {
        PutThreeFiles();
        ws.Write("copy.pipeproj", Project);
        Assert.Contains("copy: success, 3 datum(s) ran, 0 reused", ws.Run("run").ShouldSucceed().Stdout);

        ws.Write("copy.pipeproj", Project.Replace("<Command>", "<Image>registry.local/copy:2</Image><Command>", StringComparison.Ordinal));
        var question = ws.Run("run", "--question");
        Assert.Equal(1, question.ExitCode);
        Assert.Contains("copy.pipeproj changed since it was registered", question.Stdout);
        Assert.Contains("0 datum(s) new, 3 changed, 0 removed, 0 reused", question.Stdout);
        Assert.Contains("copy: success, 3 datum(s) ran, 0 reused", ws.Run("run").ShouldSucceed().Stdout);
    }

    public void Dispose() => ws.Dispose();

    private void PutThreeFiles()
    {
        ws.Run("repo", "create", "in").ShouldSucceed();
        foreach (var name in new[] { "a", "b", "c" })
        {
            ws.Write($"in/{name}.txt", name + "\n");
        }

        ws.Run("file", "put", "in@master", "-r", "-f", Path.Combine(ws.Root, "in")).ShouldSucceed();
    }
}
