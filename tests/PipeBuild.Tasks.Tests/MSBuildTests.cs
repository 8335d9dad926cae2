using System.Text.Json;

namespace PipeBuild.Tasks.Tests;

/// <summary>
/// The PipeBuild.Sdk package from a folder feed, driven by the real <c>dotnet build</c> and <c>dotnet msbuild</c>:
/// incremental builds, a workspace project, errors with codes and positions, and the file and pipeline tasks.
/// </summary>
public sealed class MSBuildTests(SdkFeed sdk) : IClassFixture<SdkFeed>, IDisposable
{
    private const string Upper = """
        <Project Sdk="PipeBuild.Sdk">
          <PropertyGroup>
            <Command>tr a-z A-Z &lt; "$data" &gt; /pfs/out/`basename "$data"`</Command>
          </PropertyGroup>
          <ItemGroup>
            <PipeInput Include="data" Glob="/*" />
          </ItemGroup>
        </Project>
        """;

    private const string Count = """
        <Project Sdk="PipeBuild.Sdk">
          <PropertyGroup>
            <Command>cat /pfs/upper/* | wc -l | tr -d ' ' &gt; /pfs/out/count.txt</Command>
          </PropertyGroup>
          <ItemGroup>
            <PipeInput Include="upper" />
          </ItemGroup>
        </Project>
        """;

    private readonly TempWorkspace ws = new();

    [Fact]
    public void Build_runs_the_pipeline_and_a_second_build_with_nothing_changed_runs_nothing()
    {
        UseSdkFromGlobalJson();
        PutData("a.txt", "hello\n", "b.txt", "world\n");
        ws.Write("upper.pipeproj", Upper);

        var first = Build("build", "upper.pipeproj").ShouldSucceed();
        Assert.Single(first.Lines("registered pipeline 'upper'"));
        Assert.Single(first.Lines("PipeRun: job"), l => l.Contains("upper: success, 2 datum(s) ran, 0 reused", StringComparison.Ordinal));
        Assert.Equal("HELLO\n", ws.Run("file", "get", "upper@master:a.txt").ShouldSucceed().Stdout);

        var second = Build("build", "upper.pipeproj").ShouldSucceed();
        Assert.Single(second.Lines("PipeRun: everything is up to date"));
        Assert.Empty(second.Lines("PipeRun: job"));
        Assert.Empty(second.Lines("registered pipeline"));
        Assert.Single(Jobs("upper"));

        // New data: only its datum runs.
        ws.Run("file", "put", "data@master:c.txt", "-f", ws.Write("in/c.txt", "again\n"), "--no-run").ShouldSucceed();
        var third = Build("build", "upper.pipeproj").ShouldSucceed();
        Assert.Single(third.Lines("PipeRun: job"), l => l.Contains("upper: success, 1 datum(s) ran, 2 reused", StringComparison.Ordinal));
        Assert.Equal(2, Jobs("upper").Length);

        // The CLI evaluates the same file with the same SDK: it sees nothing to register or run.
        Assert.Contains("everything is up to date", ws.Run("run").ShouldSucceed().Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Workspace_project_runs_every_pipeline_in_dependency_order()
    {
        File.WriteAllText(Path.Combine(ws.Root, "nuget.config"), sdk.NugetConfig());
        PutData("a.txt", "one\n", "b.txt", "two\n");
        ws.Write("stats/count.pipeproj", Count.Replace("PipeBuild.Sdk", $"PipeBuild.Sdk/{SdkFeed.Version}", StringComparison.Ordinal));
        ws.Write("upper.pipeproj", Upper.Replace("PipeBuild.Sdk", $"PipeBuild.Sdk/{SdkFeed.Version}", StringComparison.Ordinal));
        ws.Write("workspace.proj", $"""<Project Sdk="PipeBuild.Sdk/{SdkFeed.Version}" />""");

        var first = Build("msbuild", "workspace.proj", "-t:PipeRun").ShouldSucceed();
        var jobs = first.Lines("PipeRun: job");
        Assert.Equal(2, jobs.Length);
        Assert.Contains(" upper: success, 2 datum(s) ran", jobs[0], StringComparison.Ordinal);
        Assert.Contains(" count: success, 1 datum(s) ran", jobs[1], StringComparison.Ordinal);
        Assert.Equal("2\n", ws.Run("file", "get", "count@master:count.txt").ShouldSucceed().Stdout);

        Assert.Single(Build("msbuild", "workspace.proj", "-t:PipeRun").ShouldSucceed().Lines("PipeRun: everything is up to date"));

        // `dotnet build` of the workspace project is the same target.
        ws.Run("file", "put", "data@master:c.txt", "-f", ws.Write("in/c.txt", "three\n"), "--no-run").ShouldSucceed();
        Build("build", "workspace.proj").ShouldSucceed();
        Assert.Equal("3\n", ws.Run("file", "get", "count@master:count.txt").ShouldSucceed().Stdout);
    }

    [Fact]
    public void A_bad_value_is_an_msbuild_error_with_its_code_and_position_and_a_failing_exit_code()
    {
        UseSdkFromGlobalJson();
        PutData("a.txt", "x\n");
        ws.Write("bad.pipeproj", Upper.Replace("<Command>", "<Parallelism>lots</Parallelism>\n    <Command>", StringComparison.Ordinal));

        var result = Build("build", "bad.pipeproj").ShouldFail();
        var path = Path.Combine(ws.Root, "bad.pipeproj");
        Assert.Contains($"{path}(3,5): error PIPE2002: Parallelism 'lots' is not a whole number", result.Output, StringComparison.Ordinal);
        Assert.Empty(JsonOutput.Column(ws.Run("pipeline", "list", "--output", "json"), "name"));
    }

    [Fact]
    public void A_failing_transform_fails_the_build_with_PIPE3001_and_keeps_the_previous_output()
    {
        UseSdkFromGlobalJson();
        PutData("a.txt", "x\n");
        ws.Write("fail.pipeproj", Upper.Replace("tr a-z A-Z", "exit 3; tr a-z A-Z", StringComparison.Ordinal).Replace("</PropertyGroup>", "<DatumTries>1</DatumTries></PropertyGroup>", StringComparison.Ordinal));

        var result = Build("build", "fail.pipeproj").ShouldFail();
        Assert.Contains($"{Path.Combine(ws.Root, "fail.pipeproj")} : error PIPE3001: PipeRun: job ", result.Output, StringComparison.Ordinal);
        Assert.Contains("fail: failure, 0 datum(s) ran, 0 reused, 1 failed of 1", result.Output, StringComparison.Ordinal);
        Assert.Contains("exit code 3", result.Output, StringComparison.Ordinal);
        Assert.Empty(ws.Run("commit", "list", "fail", "--output", "json").ShouldSucceed().Stdout.Trim().Trim('[', ']').Trim());
    }

    [Fact]
    public void PipePutFile_and_PipeGetFile_round_trip_and_the_put_runs_the_pipeline_downstream()
    {
        UseSdkFromGlobalJson();
        ws.Run("repo", "create", "data").ShouldSucceed();
        ws.Write("upper.pipeproj", Upper);
        Build("build", "upper.pipeproj").ShouldSucceed();
        ws.Write("in/notes.txt", "round trip\n");
        ws.Write("io.proj", """
            <Project Sdk="PipeBuild.Sdk">
              <Target Name="Publish">
                <PipePutFile ToolPath="$(PipeToolPath)" Repo="data" Path="notes.txt" Files="in/notes.txt" Message="from MSBuild">
                  <Output TaskParameter="Commit" PropertyName="PutCommit" />
                </PipePutFile>
                <PipeGetFile ToolPath="$(PipeToolPath)" Repo="data" Ref="$(PutCommit)" Path="notes.txt" Destination="out/back.txt" />
                <PipeGetFile ToolPath="$(PipeToolPath)" Repo="upper" Path="/" Destination="out/upper" Recursive="true">
                  <Output TaskParameter="Files" ItemName="Got" />
                </PipeGetFile>
                <Message Importance="high" Text="put commit $(PutCommit); got @(Got->'%(Filename)%(Extension)')" />
              </Target>
            </Project>
            """);

        var result = Build("msbuild", "io.proj", "-t:Publish").ShouldSucceed();
        var commit = ws.Run("commit", "list", "data", "--output", "json").ShouldSucceed();
        var id = JsonDocument.Parse(commit.Stdout).RootElement[0].GetProperty("id").GetString();
        Assert.Single(result.Lines($"put commit {id}; got notes.txt"));
        Assert.Equal("round trip\n", File.ReadAllText(Path.Combine(ws.Root, "out", "back.txt")));
        Assert.Equal("ROUND TRIP\n", File.ReadAllText(Path.Combine(ws.Root, "out", "upper", "notes.txt")));
    }

    [Fact]
    public void PipeUpdatePipeline_sets_the_image_tag_and_reprocesses_every_datum()
    {
        UseSdkFromGlobalJson();
        PutData("a.txt", "a\n", "b.txt", "b\n");
        ws.Write("upper.pipeproj", Upper);
        Build("build", "upper.pipeproj").ShouldSucceed();
        // Seed 004's CI step as a target: the image tag comes in as a property.
        ws.Write("ci.proj", """
            <Project Sdk="PipeBuild.Sdk">
              <Target Name="DeployModel">
                <Error Code="PIPE3004" Text="Set ImageTag: dotnet msbuild ci.proj -t:DeployModel -p:ImageTag=TAG" Condition="'$(ImageTag)' == ''" />
                <PipeUpdatePipeline ToolPath="$(PipeToolPath)" Project="upper.pipeproj" Image="registry.local/upper:$(ImageTag)" Reprocess="true" />
              </Target>
            </Project>
            """);

        var result = Build("msbuild", "ci.proj", "-t:DeployModel", "-p:ImageTag=v2").ShouldSucceed();
        Assert.Single(result.Lines("PipeUpdatePipeline: job"), l => l.Contains("upper: success, 2 datum(s) ran, 0 reused", StringComparison.Ordinal));
        var pipeline = JsonOutput.Parse(ws.Run("pipeline", "inspect", "upper", "--output", "json"));
        Assert.Equal("registry.local/upper:v2", pipeline.GetProperty("spec").GetProperty("image").GetString());
        Assert.Equal(2, pipeline.GetProperty("version").GetInt32());

        Assert.Contains("error PIPE3004: Set ImageTag", Build("msbuild", "ci.proj", "-t:DeployModel").ShouldFail().Output, StringComparison.Ordinal);
    }

    public void Dispose() => ws.Dispose();

    private void UseSdkFromGlobalJson()
    {
        File.WriteAllText(Path.Combine(ws.Root, "nuget.config"), sdk.NugetConfig());
        File.WriteAllText(Path.Combine(ws.Root, "global.json"), $$"""{ "msbuild-sdks": { "PipeBuild.Sdk": "{{SdkFeed.Version}}" } }""");
    }

    private void PutData(params string[] nameThenContent)
    {
        ws.Run("repo", "create", "data").ShouldSucceed();
        for (var i = 0; i < nameThenContent.Length; i += 2)
        {
            ws.Run("file", "put", $"data@master:{nameThenContent[i]}", "-f", ws.Write($"in/{nameThenContent[i]}", nameThenContent[i + 1])).ShouldSucceed();
        }
    }

    private BuildResult Build(params string[] args) => sdk.Dotnet(ws.Root, [.. args, "-nodeReuse:false", "-nologo"]);

    private string[] Jobs(string pipeline) =>
        [.. JsonOutput.Parse(ws.Run("job", "list", "--output", "json")).EnumerateArray().Where(j => j.GetProperty("pipeline").GetString() == pipeline).Select(j => j.GetProperty("id").GetString()!)];
}
