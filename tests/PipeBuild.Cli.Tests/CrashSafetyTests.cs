using System.Text.Json;
using CliWrap;

namespace PipeBuild.Cli.Tests;

/// <summary>kill -9 in the middle of large puts, and concurrent writers: the store stays sound and nothing is lost.</summary>
public sealed class CrashSafetyTests : IDisposable
{
    private readonly TempWorkspace ws = new();

    [Fact]
    public async Task Kill_during_large_puts_leaves_the_branch_at_the_old_or_new_commit_and_fsck_clean()
    {
        ws.Run("repo", "create", "big").ShouldSucceed();
        var data = Path.Combine(ws.Root, "data");
        Directory.CreateDirectory(data);
        var random = new Random(42);
        var buffer = new byte[3 * 1024 * 1024];
        for (var i = 0; i < 40; i++)
        {
            random.NextBytes(buffer);
            await File.WriteAllBytesAsync(Path.Combine(data, $"part-{i:D2}.bin"), buffer);
        }

        ws.Run("file", "put", "big@master", "-r", "-f", data).ShouldSucceed();
        var delays = new[] { 30, 80, 150, 250, 400, 600, 900, 1300 };
        var killedMidway = 0;
        foreach (var (delay, round) in delays.Select((d, i) => (d, i)))
        {
            var before = Head();
            random.NextBytes(buffer); // new content each round so every put makes a new commit
            await File.WriteAllBytesAsync(Path.Combine(data, $"part-{round % 40:D2}.bin"), buffer);
            using var kill = new CancellationTokenSource(delay);
            try
            {
                await ws.Command(["file", "put", "big@master", "-r", "-f", data])
                    .ExecuteAsync(kill.Token, CancellationToken.None); // the forceful token kills the process (SIGKILL)
            }
            catch (OperationCanceledException)
            {
                killedMidway++;
            }

            ws.Run("fsck").ShouldSucceed();
            var after = Head();
            if (after != before)
            {
                // moved: then to a complete commit whose parent is the old head
                var commit = JsonOutput.Parse(ws.Run("commit", "inspect", $"big@{after}", "--output", "json"));
                Assert.Equal(before, commit.GetProperty("parent").GetString());
                Assert.Equal(40 * buffer.Length, commit.GetProperty("size").GetInt64());
            }
        }

        Assert.True(killedMidway > 0, "no put was interrupted; the data set is too small for this machine");
        ws.Run("file", "put", "big@master", "-r", "-f", data).ShouldSucceed(); // no lock or temp file left in the way
        ws.Run("fsck").ShouldSucceed();
    }

    [Fact]
    public async Task Concurrent_puts_to_one_branch_all_land()
    {
        ws.Run("repo", "create", "shared").ShouldSucceed();
        const int writers = 6;
        var files = Enumerable.Range(0, writers).Select(i => ws.Write($"w{i}.txt", $"writer {i}")).ToArray();
        var results = await Task.WhenAll(files.Select((f, i) => ws.RunAsync(["file", "put", $"shared@master:w{i}.txt", "-f", f])));
        Assert.All(results, r => r.ShouldSucceed());

        var listed = JsonOutput.Column(ws.Run("file", "list", "shared@master", "--output", "json"), "path");
        Assert.Equal(Enumerable.Range(0, writers).Select(i => $"/w{i}.txt"), listed);
        Assert.Equal(writers, JsonOutput.Parse(ws.Run("commit", "list", "shared@master", "--output", "json")).GetArrayLength());
    }

    public void Dispose() => ws.Dispose();

    private string? Head()
    {
        var commits = JsonOutput.Parse(ws.Run("commit", "list", "big@master", "-n", "1", "--output", "json"));
        return commits.GetArrayLength() == 0 ? null : commits[0].GetProperty("id").GetString();
    }
}
