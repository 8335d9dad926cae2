namespace PipeBuild.Cli.Tests;

/// <summary>
/// Concurrent runs of one workspace share the job (the reliability issue, §3): one runs it, the others follow it and
/// report it as theirs, so every datum runs once and one output commit is published.
/// </summary>
public sealed class ConcurrentRunTests : IDisposable
{
    private readonly TempWorkspace ws = new();
    private readonly string marker;

    public ConcurrentRunTests()
    {
        marker = Path.Combine(ws.Root, "ran.log");
        ws.Run("repo", "create", "data").ShouldSucceed();
        for (var i = 1; i <= 6; i++)
        {
            ws.Run("file", "put", $"data@master:f{i}.txt", "-f", ws.Write($"in/f{i}.txt", $"{i}\n")).ShouldSucceed();
        }

        // Each datum notes that it ran; the pause lets the runs overlap (the test holds whether they do or not).
        ws.Write("copy.pipeproj", $"""
            <Project Sdk="PipeBuild.Sdk">
              <PropertyGroup>
                <Command>for f in /pfs/data/*; do basename "$f" >> {marker}; sleep 0.5; cp "$f" /pfs/out/; done</Command>
              </PropertyGroup>
              <ItemGroup>
                <PipeInput Include="data" Glob="/*.txt" />
              </ItemGroup>
            </Project>
            """);
    }

    [Fact]
    public async Task Four_concurrent_runs_run_every_datum_once_and_publish_one_commit()
    {
        var runs = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => ws.RunAsync(["run"])));

        foreach (var run in runs)
        {
            run.ShouldSucceed();
        }

        Assert.Equal(["f1.txt", "f2.txt", "f3.txt", "f4.txt", "f5.txt", "f6.txt"], File.ReadAllLines(marker).Order(StringComparer.Ordinal));
        Assert.Single(JsonOutput.Column(ws.Run("job", "list", "--output", "json"), "id"));
        Assert.Single(JsonOutput.Column(ws.Run("commit", "list", "copy", "--output", "json"), "id"));
        // Each run ran the job, followed it, or (started after it ended) found everything up to date.
        Assert.All(runs, run => Assert.Matches("copy: success, 6 datum\\(s\\) ran|everything is up to date", run.Stderr + run.Stdout));
        Assert.Contains("ok:", ws.Run("fsck").ShouldSucceed().Stdout);
    }

    [Fact]
    public void A_claim_left_by_a_process_that_died_is_taken_over()
    {
        ws.Run("pipeline", "create", "-f", "copy.pipeproj").ShouldSucceed();
        ws.Run("file", "put", "data@master:f7.txt", "-f", ws.Write("in/f7.txt", "7\n")).ShouldSucceed();
        File.Delete(marker);

        // As a run killed with -9 leaves it: a claim whose process (on this machine) is gone.
        ws.Write(".pipe/claims/copy", $$"""{"owner":{"host":"{{Environment.MachineName}}","processId":2147483000,"processStarted":"2026-01-01T00:00:00+00:00"},"claimed":"2026-01-01T00:00:00+00:00"}""");
        ws.Write("in/f8.txt", "8\n");
        var put = ws.Run("file", "put", "data@master:f8.txt", "-f", Path.Combine(ws.Root, "in", "f8.txt")).ShouldSucceed();

        Assert.Contains("copy: success", put.Stderr + put.Stdout);
        Assert.Equal(["f8.txt"], File.ReadAllLines(marker));
        Assert.False(File.Exists(Path.Combine(ws.PipeFolder, "claims", "copy")));
    }

    public void Dispose() => ws.Dispose();
}
