namespace PipeBuild.Cli.Tests;

/// <summary>
/// <c>config</c> shows and changes the workspace's settings; a default executor set once runs every pipeline whose
/// file names none (issue: a user moving Pachyderm specs over sets docker once instead of on each pipeline).
/// </summary>
public sealed class ConfigCommandTests : IDisposable
{
    private readonly TempWorkspace ws = new();

    public ConfigCommandTests()
    {
        ws.Write("plain.pipeproj", Pipeproj(executor: null));
        ws.Write("pinned.pipeproj", Pipeproj(executor: "local"));
        ws.Write("spec.json", """{ "pipeline": { "name": "edges" }, "transform": { "image": "example/edges:1", "cmd": ["/edges.py"] }, "input": { "pfs": { "repo": "images", "glob": "/*" } } }""");
    }

    [Fact]
    public void A_default_executor_runs_the_pipelines_that_name_none()
    {
        Assert.Equal("local", ws.Run("config", "get", "executor").ShouldSucceed().Stdout.Trim());
        Assert.Equal("local", Executor("plain.pipeproj"));

        Assert.Contains("executor = docker", ws.Run("config", "set", "executor", "docker").ShouldSucceed().Stdout);

        Assert.Equal("docker", ws.Run("config", "get", "executor").ShouldSucceed().Stdout.Trim());
        Assert.Equal("docker", Executor("plain.pipeproj"));
        Assert.Equal("docker", Executor("spec.json")); // Pachyderm specs never name an executor
        Assert.Equal("local", Executor("pinned.pipeproj")); // a file that names one keeps it
        Assert.Equal("kubernetes", Executor("plain.pipeproj", "-p:PipeDefaultExecutor=kubernetes")); // a -p property wins

        ws.Run("config", "unset", "executor").ShouldSucceed();
        Assert.Equal("local", Executor("spec.json"));
    }

    [Fact]
    public void Init_sets_the_default_executor_and_list_shows_every_setting()
    {
        using var other = new TempWorkspace(init: false);
        other.Run("init", "--executor", "kubernetes").ShouldSucceed();

        var list = other.Run("config", "list").ShouldSucceed().Stdout;
        Assert.Matches(@"(?m)^executor\s+kubernetes\s", list);
        Assert.Matches(@"(?m)^store\s+local\s", list);
        Assert.Matches(@"(?m)^default-branch\s+master\s", list);
        Assert.Equal("kubernetes", JsonOutput.Parse(other.Run("config", "list", "--output", "json")).GetProperty("executor").GetString());
    }

    [Theory]
    [InlineData("set executor podman", "'podman' is not an executor. Use local, docker or kubernetes.")]
    [InlineData("set store s3://bucket/x", "'store' is fixed when the workspace is made")]
    [InlineData("set default-branch main", "'default-branch' is fixed when the workspace is made")]
    [InlineData("set s3-cache-mib -5", "s3-cache-mib '-5' is not a whole number")]
    [InlineData("get colour", "'colour' is not a setting. Settings: store, default-branch, s3-endpoint, s3-cache-mib, executor.")]
    public void Bad_values_are_refused_and_change_nothing(string args, string message)
    {
        var before = File.ReadAllText(Path.Combine(ws.PipeFolder, "config.json"));

        var result = ws.Run(["config", .. args.Split(' ')]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("PIPE1001", result.Stderr);
        Assert.Contains(message, result.Stderr);
        Assert.Equal(before, File.ReadAllText(Path.Combine(ws.PipeFolder, "config.json")));
    }

    private string Executor(string file, params string[] more)
    {
        var fields = ws.Run(["pipeline", "inspect", "-f", file, .. more]).ShouldSucceed().Stdout;
        return System.Text.RegularExpressions.Regex.Match(fields, @"(?m)^Executor\s+(\S+)").Groups[1].Value;
    }

    private static string Pipeproj(string? executor) => $"""
        <Project Sdk="PipeBuild.Sdk">
          <PropertyGroup>
            {(executor is null ? "" : $"<Executor>{executor}</Executor>")}
            <Image>example/edges:1</Image>
            <Command>/edges.py</Command>
          </PropertyGroup>
          <ItemGroup>
            <PipeInput Include="images" Glob="/*" />
          </ItemGroup>
        </Project>
        """;

    public void Dispose() => ws.Dispose();
}
