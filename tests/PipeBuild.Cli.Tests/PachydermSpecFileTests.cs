namespace PipeBuild.Cli.Tests;

/// <summary>What loading a Pachyderm spec file tells a user moving it over.</summary>
public sealed class PachydermSpecFileTests : IDisposable
{
    private readonly TempWorkspace ws = new();

    [Fact]
    public void Settings_with_no_effect_here_are_named_on_stderr()
    {
        ws.Write("train.json", """
            { "pipeline": { "name": "train" }, "transform": { "cmd": ["python3", "/train.py"] }, "input": { "pfs": { "repo": "data", "glob": "/" } },
              "resource_limits": { "gpu": { "type": "nvidia.com/gpu", "number": 1 } }, "autoscaling": true }
            """);

        var result = ws.Run("pipeline", "inspect", "-f", "train.json").ShouldSucceed();

        Assert.Contains("train.json: accepted and ignored, with no effect in PipeBuild: autoscaling, resource_limits.gpu.", result.Stderr);
        Assert.DoesNotContain("ignored", result.Stdout);
    }

    [Fact]
    public void Specs_between_dashed_lines_all_run()
    {
        ws.Run("repo", "create", "words").ShouldSucceed();
        ws.Run("file", "put", "words@master:a.txt", "-f", ws.Write("in/a.txt", "alpha\n"), "--no-run").ShouldSucceed();
        ws.Write("two.json", """
            ---
            { "pipeline": { "name": "upper" }, "transform": { "cmd": ["sh", "-c", "tr a-z A-Z < /pfs/words/a.txt > /pfs/out/a.txt"] }, "input": { "pfs": { "repo": "words", "glob": "/" } } }
            ---
            { "pipeline": { "name": "count" }, "transform": { "cmd": ["sh", "-c", "wc -c < /pfs/upper/a.txt > /pfs/out/n"] }, "input": { "pfs": { "repo": "upper", "glob": "/" } } }
            """);

        ws.Run("run", "-f", "two.json").ShouldSucceed();

        Assert.Equal("ALPHA\n", ws.Run("file", "get", "upper@master:a.txt").ShouldSucceed().Stdout);
        Assert.Equal("6", ws.Run("file", "get", "count@master:n").ShouldSucceed().Stdout.Trim());
    }

    public void Dispose() => ws.Dispose();
}
