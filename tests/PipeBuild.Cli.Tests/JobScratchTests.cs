namespace PipeBuild.Cli.Tests;

/// <summary>A job leaves no scratch folder behind under .pipe/tmp/jobs, whether it succeeded or failed.</summary>
public sealed class JobScratchTests : IDisposable
{
    private readonly TempWorkspace ws = new();

    [Theory]
    [InlineData("cp /pfs/data/* /pfs/out/", 0)]
    [InlineData("exit 3", 2)]
    public void A_finished_job_leaves_no_scratch_folder(string command, int exitCode)
    {
        ws.Run("repo", "create", "data").ShouldSucceed();
        ws.Run("file", "put", "data@master:a.txt", "-f", ws.Write("in/a.txt", "a")).ShouldSucceed();
        ws.Write("copy.pipeproj", $"""
            <Project Sdk="PipeBuild.Sdk">
              <PropertyGroup>
                <Command>{command}</Command>
                <DatumTries>1</DatumTries>
              </PropertyGroup>
              <ItemGroup>
                <PipeInput Include="data" Glob="/*" />
              </ItemGroup>
            </Project>
            """);

        Assert.Equal(exitCode, ws.Run("pipeline", "create", "-f", "copy.pipeproj").ExitCode);

        var jobs = Path.Combine(ws.PipeFolder, "tmp", "jobs");
        Assert.Empty(Directory.Exists(jobs) ? Directory.GetFileSystemEntries(jobs) : []);
    }

    public void Dispose() => ws.Dispose();
}
