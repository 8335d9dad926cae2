namespace PipeBuild.Cli.Tests;

/// <summary>A workspace's default branch (<c>init --default-branch</c>) is where data and pipeline outputs live, end to end.</summary>
public sealed class DefaultBranchTests : IDisposable
{
    private const string Copy = """
        <Project Sdk="PipeBuild.Sdk">
          <PropertyGroup>
            <Command>cp /pfs/data/* /pfs/out/</Command>
          </PropertyGroup>
          <ItemGroup>
            <PipeInput Include="data" Glob="/*" />
          </ItemGroup>
        </Project>
        """;

    // A Pachyderm spec naming no branch, downstream of the .pipeproj's output.
    private const string Count = """
        {
          "pipeline": { "name": "count" },
          "transform": { "cmd": ["sh", "-c", "wc -c < \"$copy\" | tr -d ' ' > /pfs/out/$(basename \"$copy\")"] },
          "input": { "pfs": { "repo": "copy", "glob": "/*" } }
        }
        """;

    private readonly TempWorkspace ws = new(init: false);

    [Fact]
    public void Pipelines_read_and_write_the_default_branch_of_the_workspace()
    {
        ws.Run("init", "--default-branch", "main").ShouldSucceed();
        ws.Run("repo", "create", "data").ShouldSucceed();
        ws.Run("file", "put", "data:a.txt", "-f", ws.Write("in/a.txt", "one\n")).ShouldSucceed();
        ws.Run("file", "put", "data@main:b.txt", "-f", ws.Write("in/b.txt", "three\n")).ShouldSucceed();
        ws.Write("copy.pipeproj", Copy);
        ws.Write("count.json", Count);
        ws.Run("pipeline", "create", "-f", "copy.pipeproj").ShouldSucceed();
        ws.Run("pipeline", "create", "-f", "count.json").ShouldSucceed();

        Assert.Equal("one\n", ws.Run("file", "get", "copy@main:a.txt").ShouldSucceed().Stdout);
        Assert.Equal("6\n", ws.Run("file", "get", "count@main:b.txt").ShouldSucceed().Stdout);
        foreach (var repo in new[] { "data", "copy", "count" })
        {
            Assert.Equal(["main"], JsonOutput.Column(ws.Run("branch", "list", repo, "--output", "json"), "name"));
        }

        // a new input commit on main runs both pipelines again, with provenance on main
        var put = ws.Run("file", "put", "data:a.txt", "-f", ws.Write("in/a2.txt", "one two\n")).ShouldSucceed();
        Assert.Contains("count: success, 1 datum(s) ran, 1 reused", put.Stderr);
        Assert.Equal("8\n", ws.Run("file", "get", "count:a.txt").ShouldSucceed().Stdout);
        var dataHead = JsonOutput.Parse(ws.Run("commit", "inspect", "data@main", "--output", "json")).GetProperty("id").GetString();
        var provenance = JsonOutput.Parse(ws.Run("commit", "inspect", "count@main", "--output", "json")).GetProperty("provenance").EnumerateArray().ToList();
        Assert.Contains(provenance, p => p.GetProperty("repo").GetString() == "data" && p.GetProperty("branch").GetString() == "main" && p.GetProperty("commit").GetString() == dataHead);
        Assert.All(provenance, p => Assert.Equal("main", p.GetProperty("branch").GetString()));

        // nothing is out of date, and what the pipelines read and write is shown on main
        Assert.Contains("everything is up to date", ws.Run("run").ShouldSucceed().Stdout);
        Assert.DoesNotContain("out of date", ws.Run("status").ShouldSucceed().Stdout);
        Assert.Matches(@"(?m)^count\s+copy\s+count@main\s*$", ws.Run("dag").ShouldSucceed().Stdout);
        var inspect = ws.Run("pipeline", "inspect", "count").ShouldSucceed().Stdout;
        Assert.Contains("copy=copy@main:/*", inspect);
        Assert.Matches(@"(?m)^Output\s+count@main\s*$", inspect);
        Assert.Matches(@"(?m)^Size of main\s+4 B\s*$", ws.Run("repo", "inspect", "count").ShouldSucceed().Stdout);
    }

    [Fact]
    public void A_workspace_whose_config_names_no_default_branch_keeps_master()
    {
        ws.Run("init").ShouldSucceed();
        File.WriteAllText(Path.Combine(ws.PipeFolder, "config.json"), """{ "store": "local" }""");
        ws.Run("repo", "create", "data").ShouldSucceed();
        ws.Run("file", "put", "data:a.txt", "-f", ws.Write("in/a.txt", "one\n")).ShouldSucceed();
        ws.Write("copy.pipeproj", Copy);
        ws.Run("pipeline", "create", "-f", "copy.pipeproj").ShouldSucceed();
        Assert.Equal("one\n", ws.Run("file", "get", "copy@master:a.txt").ShouldSucceed().Stdout);
        Assert.Equal(["master"], JsonOutput.Column(ws.Run("branch", "list", "copy", "--output", "json"), "name"));
    }

    [Fact]
    public void A_pipeline_writes_the_output_branch_its_spec_names_and_a_reader_of_that_branch_follows_it()
    {
        // Pachyderm's output_branch: a pipeline writing dev, and one downstream reading copy@dev.
        ws.Run("init").ShouldSucceed();
        ws.Run("repo", "create", "data").ShouldSucceed();
        ws.Run("file", "put", "data@master:a.txt", "-f", ws.Write("in/a.txt", "one\n")).ShouldSucceed();
        ws.Write("copy.pipeproj", Copy.Replace("<Command>", "<OutputBranch>dev</OutputBranch>\n    <Command>", StringComparison.Ordinal));
        ws.Write("count.json", Count.Replace("\"glob\": \"/*\"", "\"glob\": \"/*\", \"branch\": \"dev\"", StringComparison.Ordinal).Replace("\"input\"", "\"output_branch\": \"stats\", \"input\"", StringComparison.Ordinal));

        ws.Run("pipeline", "create", "-f", "copy.pipeproj").ShouldSucceed();
        ws.Run("pipeline", "create", "-f", "count.json").ShouldSucceed();

        Assert.Equal("one\n", ws.Run("file", "get", "copy@dev:a.txt").ShouldSucceed().Stdout);
        Assert.Equal(["dev"], JsonOutput.Column(ws.Run("branch", "list", "copy", "--output", "json"), "name"));
        Assert.Equal("4\n", ws.Run("file", "get", "count@stats:a.txt").ShouldSucceed().Stdout);
        var provenance = ws.Run("commit", "inspect", "count@stats", "--output", "json").ShouldSucceed().Stdout;
        Assert.Contains("\"branch\": \"dev\"", provenance, StringComparison.Ordinal); // read from copy@dev

        ws.Run("file", "put", "data@master:a.txt", "-f", ws.Write("in/a2.txt", "longer\n")).ShouldSucceed(); // flows through dev to stats
        Assert.Equal("7\n", ws.Run("file", "get", "count@stats:a.txt").ShouldSucceed().Stdout);
        Assert.Equal(0, ws.Run("run", "--question").ExitCode);
        Assert.Contains("<OutputBranch>stats</OutputBranch>", ws.Run("pipeline", "convert", "count.json", "--out", "-").ShouldSucceed().Stdout, StringComparison.Ordinal);
    }

    public void Dispose() => ws.Dispose();
}
