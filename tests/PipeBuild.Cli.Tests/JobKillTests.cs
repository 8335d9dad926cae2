namespace PipeBuild.Cli.Tests;

/// <summary><c>job kill</c> from another shell ends the job, and the <c>run</c> that owned it says so.</summary>
public sealed class JobKillTests : IDisposable
{
    private readonly TempWorkspace ws = new();

    [Fact]
    public async Task A_job_killed_from_another_shell_ends_its_run_with_exit_code_2_and_the_reason()
    {
        ws.Run("repo", "create", "data").ShouldSucceed();
        ws.Run("file", "put", "data@master:a.txt", "-f", ws.Write("in/a.txt", "a"), "--no-run").ShouldSucceed();
        ws.Write("slow.pipeproj", """
            <Project Sdk="PipeBuild.Sdk">
              <PropertyGroup>
                <Command>sleep 120; cp /pfs/data/a.txt /pfs/out/</Command>
              </PropertyGroup>
              <ItemGroup>
                <PipeInput Include="data" Glob="/*" />
              </ItemGroup>
            </Project>
            """);

        var run = ws.RunAsync(["run"]);
        string? job = null;
        for (var tries = 0; job is null && tries < 600 && !run.IsCompleted; tries++)
        {
            await Task.Delay(100);
            job = JsonOutput.Column(ws.Run("job", "list", "--output", "json"), "id").FirstOrDefault();
        }

        Assert.True(job is not null, run.IsCompleted ? (await run).Stderr : "no job started within a minute");
        ws.Run("job", "kill", job).ShouldSucceed();
        var result = await run.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(2, result.ExitCode); // a job that did not succeed, not an internal error
        Assert.Contains("slow: killed", result.Stdout);
        Assert.Contains("killed by 'dotnet pipe job kill'", result.Stdout);
        Assert.DoesNotContain("internal error", result.Stderr);
        Assert.Equal("killed", JsonOutput.Parse(ws.Run("job", "inspect", job, "--output", "json")).GetProperty("state").GetString());
    }

    public void Dispose() => ws.Dispose();
}
