using System.Text.Json;

namespace PipeBuild.Cli.Tests;

/// <summary>
/// Pachyderm's <c>job_timeout</c> (<c>&lt;JobTimeout&gt;</c>): a job that runs longer is killed, as <c>job kill</c> would
/// kill it, and says why. The transforms sleep a minute against a one-second limit, so nothing depends on timing.
/// </summary>
public sealed class JobTimeoutTests : IDisposable
{
    private readonly TempWorkspace ws = new();

    public JobTimeoutTests()
    {
        ws.Run("repo", "create", "data").ShouldSucceed();
        ws.Run("file", "put", "data@master:a.txt", "-f", ws.Write("in/a.txt", "a"), "--no-run").ShouldSucceed();
    }

    [Fact]
    public void A_json_spec_job_that_outlives_its_job_timeout_is_killed_with_the_reason()
    {
        ws.Write("slow.json", """
            {
              "pipeline": { "name": "slow" },
              "transform": { "cmd": ["sh", "-c", "sleep 60; cp /pfs/data/a.txt /pfs/out/"] },
              "input": { "pfs": { "repo": "data", "glob": "/*" } },
              "job_timeout": "1s"
            }
            """);

        var result = ws.Run("pipeline", "create", "-f", "slow.json");

        AssertKilled(result, "slow");
    }

    [Fact]
    public void A_pipeproj_job_that_outlives_its_JobTimeout_is_killed_with_the_reason()
    {
        ws.Write("slow.pipeproj", """
            <Project Sdk="PipeBuild.Sdk">
              <PropertyGroup>
                <Command>sleep 60; cp /pfs/data/a.txt /pfs/out/</Command>
                <JobTimeout>1s</JobTimeout>
              </PropertyGroup>
              <ItemGroup>
                <PipeInput Include="data" Glob="/*" />
              </ItemGroup>
            </Project>
            """);

        var result = ws.Run("run");

        AssertKilled(result, "slow");
    }

    private void AssertKilled(PipeResult result, string pipeline)
    {
        Assert.Equal(2, result.ExitCode); // a job that did not succeed, not an internal error
        Assert.Contains($"{pipeline}: killed", result.Stdout);
        Assert.Contains("the job timeout (1s) was reached", result.Stdout);
        Assert.DoesNotContain("internal error", result.Stderr);

        var job = Assert.Single(JsonOutput.Parse(ws.Run("job", "list", "--output", "json")).EnumerateArray());
        Assert.Equal("killed", job.GetProperty("state").GetString());
        Assert.Equal("the job timeout (1s) was reached; the previous output is unchanged", job.GetProperty("reason").GetString());
        Assert.Equal(JsonValueKind.Null, job.TryGetProperty("outputCommit", out var commit) ? commit.ValueKind : JsonValueKind.Null);
        Assert.Empty(JsonOutput.Column(ws.Run("commit", "list", pipeline, "--output", "json"), "id"));
    }

    public void Dispose() => ws.Dispose();
}
