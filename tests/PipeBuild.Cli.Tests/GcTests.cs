namespace PipeBuild.Cli.Tests;

/// <summary><c>gc</c> removes the commits nothing reaches and keeps the history a rollback or a job record names.</summary>
public sealed class GcTests : IDisposable
{
    private readonly TempWorkspace ws = new();

    [Fact]
    public void Gc_keeps_a_rolled_back_commit_and_what_jobs_read_and_removes_a_deleted_one()
    {
        ws.Run("repo", "create", "data").ShouldSucceed();
        ws.Run("file", "put", "data@master:a.txt", "-f", ws.Write("in/a1.txt", "first")).ShouldSucceed();
        ws.Write("copy.pipeproj", """
            <Project Sdk="PipeBuild.Sdk">
              <PropertyGroup>
                <Command>cp /pfs/data/a.txt /pfs/out/a.txt</Command>
              </PropertyGroup>
              <ItemGroup>
                <PipeInput Include="data" Glob="/" />
              </ItemGroup>
            </Project>
            """);
        ws.Run("pipeline", "create", "-f", "copy.pipeproj").ShouldSucceed();
        ws.Run("file", "put", "data@master:a.txt", "-f", ws.Write("in/a2.txt", "second")).ShouldSucceed();
        var second = Head("data");
        ws.Run("branch", "create", "data@master", "--head", "master^").ShouldSucceed(); // rollback; copy reruns
        ws.Run("repo", "create", "notes").ShouldSucceed(); // no pipeline reads it, so no job names its commits
        ws.Run("file", "put", "notes@master:keep.txt", "-f", ws.Write("in/k.txt", "kept")).ShouldSucceed();
        ws.Run("file", "put", "notes@master:mistake.txt", "-f", ws.Write("in/m.txt", "oops")).ShouldSucceed();
        var mistake = Head("notes");
        ws.Run("commit", "delete", "notes@master").ShouldSucceed();

        var report = JsonOutput.Parse(ws.Run("gc", "--grace", "0", "--output", "json").ShouldSucceed());

        Assert.Equal(1, report.GetProperty("commitsRemoved").GetInt32());
        ws.Run("commit", "inspect", $"notes@{mistake}").ShouldFailWith("PIPE5006");
        Assert.Equal("kept", ws.Run("file", "get", "notes@master:keep.txt").ShouldSucceed().Stdout);
        Assert.Equal("second", ws.Run("file", "get", $"data@{second}:a.txt").ShouldSucceed().Stdout); // the rollback can be undone
        Assert.Equal("first", ws.Run("file", "get", "copy@master:a.txt").ShouldSucceed().Stdout);
        foreach (var job in JsonOutput.Column(ws.Run("job", "list", "--output", "json"), "id"))
        {
            ws.Run("job", "inspect", job).ShouldSucceed(); // every job's input and output commits are still there
        }

        ws.Run("fsck").ShouldSucceed();
    }

    private string Head(string repo) => JsonOutput.Parse(ws.Run("commit", "inspect", $"{repo}@master", "--output", "json")).GetProperty("id").GetString()!;

    public void Dispose() => ws.Dispose();
}
