namespace PipeBuild.Cli.Tests;

/// <summary>Branch triggers end to end: <c>branch create --trigger</c>, <c>pfs.trigger</c> in JSON specs and Trigger on a PipeInput.</summary>
public sealed class BranchTriggerTests : IDisposable
{
    private readonly TempWorkspace ws = new();

    public BranchTriggerTests() => ws.Run("repo", "create", "data").ShouldSucceed();

    [Fact]
    public void With_commits_3_in_a_json_spec_two_puts_run_nothing_and_the_third_runs_the_pipeline_once_over_all_three()
    {
        ws.Write("batched.json", """
            {"pipeline": {"name": "batched"},
             "transform": {"cmd": ["sh", "-c", "cp /pfs/data/* /pfs/out/"]},
             "input": {"pfs": {"repo": "data", "branch": "staging", "glob": "/", "trigger": {"branch": "master", "commits": 3}}}}
            """);
        ws.Run("pipeline", "create", "-f", "batched.json").ShouldSucceed();
        Assert.Equal("master on Commits(3)", Trigger("staging"));

        Put("a.txt", "a");
        Put("b.txt", "b");
        Assert.Empty(JsonOutput.Column(ws.Run("job", "list", "--output", "json"), "id"));

        Put("c.txt", "c");

        Assert.Single(JsonOutput.Column(ws.Run("job", "list", "--output", "json"), "id"));
        Assert.Equal(["a.txt", "b.txt", "c.txt"], JsonOutput.Column(ws.Run("file", "list", "batched@master", "--output", "json"), "path").Select(p => p.TrimStart('/')).Order(StringComparer.Ordinal));
        Assert.Equal(Head("master"), Head("staging"));
    }

    [Fact]
    public void A_pipeproj_trigger_with_a_size_moves_staging_once_enough_data_came()
    {
        ws.Write("sized.pipeproj", """
            <Project Sdk="PipeBuild.Sdk">
              <PropertyGroup>
                <Command>cp /pfs/data/* /pfs/out/</Command>
              </PropertyGroup>
              <ItemGroup>
                <PipeInput Include="data" Glob="/" Branch="staging" Trigger="master" TriggerSize="1K" />
              </ItemGroup>
            </Project>
            """);
        ws.Run("pipeline", "create", "-f", "sized.pipeproj").ShouldSucceed();

        Put("a.txt", new string('a', 600));
        Assert.Empty(JsonOutput.Column(ws.Run("job", "list", "--output", "json"), "id"));
        Put("b.txt", new string('b', 600));

        Assert.Single(JsonOutput.Column(ws.Run("job", "list", "--output", "json"), "id"));
        Assert.Equal(new string('b', 600), ws.Run("file", "get", "sized@master:b.txt").ShouldSucceed().Stdout);
    }

    [Fact]
    public void Branch_create_sets_a_trigger_that_list_and_inspect_show()
    {
        ws.Run("branch", "create", "data@staging", "--trigger", "master", "--trigger-size", "1M", "--trigger-commits", "3", "--trigger-cron", "@every 1h", "--trigger-all").ShouldSucceed();

        Assert.Equal("master on Size(1M) and Commits(3) and Cron(@every 1h)", Trigger("staging"));
        var inspect = JsonOutput.Parse(ws.Run("branch", "inspect", "data@staging", "--output", "json")).GetProperty("trigger");
        Assert.Equal(("master", "1M", 3, "@every 1h", true), (inspect.GetProperty("branch").GetString(), inspect.GetProperty("size").GetString(), inspect.GetProperty("commits").GetInt32(), inspect.GetProperty("cron").GetString(), inspect.GetProperty("all").GetBoolean()));
        Assert.Contains("Trigger: master on Size(1M) and Commits(3) and Cron(@every 1h)", ws.Run("branch", "inspect", "data@staging").ShouldSucceed().Stdout);
        Assert.Contains("master on Size(1M)", ws.Run("branch", "list", "data").ShouldSucceed().Stdout);
        var listed = JsonOutput.Parse(ws.Run("branch", "list", "data", "--output", "json")).EnumerateArray().Single(b => b.GetProperty("name").GetString() == "staging");
        Assert.Equal(3, listed.GetProperty("trigger").GetProperty("commits").GetInt32());
    }

    [Fact]
    public void The_pachyderm_docs_example_moves_master_when_1MB_lands_on_staging()
    {
        // "Set Branch Triggers", docs.pachyderm.com/2.6.x/build-dags/branch-operations/set-branch-triggers: master follows
        // staging once 1MB of new data is on it (dd if=/dev/urandom bs=1M count=1 | pachctl put file data@staging:/file).
        ws.Run("branch", "create", "data@master", "--trigger", "staging", "--trigger-size", "1MB").ShouldSucceed();
        ws.Run("branch", "create", "data@staging").ShouldSucceed();
        Assert.Equal("staging on Size(1MB)", Trigger("master"));

        var file = Path.Combine(ws.Root, "in", "file");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllBytes(file, System.Security.Cryptography.RandomNumberGenerator.GetBytes(1 << 20));
        ws.Run("file", "put", "data@staging:/file", "-f", file).ShouldSucceed();

        Assert.Equal(Head("staging"), Head("master"));
    }

    [Theory]
    [InlineData(new[] { "--trigger-size", "lots" }, "--trigger-size")]
    [InlineData(new[] { "--trigger-commits", "-1" }, "--trigger-commits")]
    [InlineData(new[] { "--trigger-cron", "every hour" }, "--trigger-cron")]
    public void A_bad_trigger_option_is_named_and_changes_nothing(string[] option, string name)
    {
        var before = ws.StoreFingerprint();

        var result = ws.Run(["branch", "create", "data@staging", "--trigger", "master", .. option]).ShouldFailWith("PIPE1001");

        Assert.Contains(name, result.Stderr);
        Assert.Equal(before, ws.StoreFingerprint());
    }

    [Fact]
    public void A_bad_trigger_field_in_a_spec_is_named()
    {
        ws.Write("bad.json", """{"pipeline":{"name":"j"},"transform":{"cmd":["cat"]},"input":{"pfs":{"repo":"data","glob":"/*","branch":"staging","trigger":{"branch":"master","size":"lots"}}}}""");
        ws.Write("bad.pipeproj", """<Project Sdk="PipeBuild.Sdk"><PropertyGroup><Command>cat</Command></PropertyGroup><ItemGroup><PipeInput Include="data" Glob="/*" Trigger="master" TriggerCommits="2" /></ItemGroup></Project>""");

        Assert.Contains("'input.pfs.trigger.size': 'lots' is not a size", ws.Run("pipeline", "create", "-f", "bad.json").ShouldFailWith("PIPE2002").Stderr);
        Assert.Contains("PipeInput 'data' Trigger': branch 'master' cannot be triggered by itself", ws.Run("pipeline", "create", "-f", "bad.pipeproj").ShouldFailWith("PIPE2002").Stderr);
    }

    public void Dispose() => ws.Dispose();

    private void Put(string path, string content) =>
        ws.Run("file", "put", $"data@master:{path}", "-f", ws.Write($"in/{path}", content)).ShouldSucceed();

    private string? Head(string branch) =>
        JsonOutput.Parse(ws.Run("branch", "inspect", $"data@{branch}", "--output", "json")).GetProperty("head").GetString();

    private string Trigger(string branch) =>
        ws.Run("branch", "inspect", $"data@{branch}").ShouldSucceed().Stdout.Split('\n').Single(l => l.StartsWith("Trigger: ", StringComparison.Ordinal))["Trigger: ".Length..].Trim();
}
