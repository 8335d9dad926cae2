namespace PipeBuild.Cli.Tests;

/// <summary>
/// Spouts (Pachyderm's <c>spout</c>) end to end: <c>watch</c> runs the spout's process, whose <c>dotnet pipe file put</c>s
/// are commits of its output repo that a downstream pipeline processes one by one; a crashed spout is restarted; <c>pipeline
/// stop</c> and <c>start</c> stop and resume it. Every wait is on a condition.
/// </summary>
public sealed class SpoutTests : IDisposable
{
    /// <summary>
    /// The minimum spout of Pachyderm's documentation ("Spout", docs.pachyderm.com 2.x, concepts/pipeline-concepts/pipeline/spout),
    /// with a folder of message files standing for its Kafka topic and a shell script for its Go program.
    /// </summary>
    private const string SpoutSpec = """
        {
          "pipeline": { "name": "my-spout" },
          "spout": {},
          "transform": {
            "cmd": [ "sh", "spout.sh" ],
            "env": { "QUEUE": "queue" }
          }
        }
        """;

    /// <summary>
    /// Puts each message of the queue as a commit of its own; a message reading "crash" makes it exit 3. It notes its
    /// process id in pids/ so that the test can see it end.
    /// </summary>
    private static readonly string Script = $$"""
        echo $$ > pids/$$
        while true; do
          for f in "$QUEUE"/*.msg; do
            [ -e "$f" ] || continue
            if [ "`cat "$f"`" = crash ]; then rm "$f"; exit 3; fi
            dotnet {{PipeCli.ToolPath}} file put "$PIPE_SPOUT@master:/`basename "$f" .msg`" -f "$f" && rm "$f"
          done
          sleep 0.1
        done
        """;

    private const string UpperSpec = """
        {
          "pipeline": { "name": "upper" },
          "transform": { "cmd": [ "sh", "-c", "tr a-z A-Z < \"$events\" > /pfs/out/`basename \"$events\"`" ] },
          "input": { "pfs": { "repo": "my-spout", "name": "events", "glob": "/*" } }
        }
        """;

    private readonly TempWorkspace ws = new();

    [Fact]
    public async Task Watch_runs_the_spout_each_put_is_a_commit_the_downstream_pipeline_processes_and_a_crash_restarts_it()
    {
        ws.Write("spout.sh", Script);
        ws.Write("spout.json", SpoutSpec);
        ws.Write("upper.json", UpperSpec);
        Directory.CreateDirectory(Path.Combine(ws.Root, "queue"));
        Directory.CreateDirectory(Path.Combine(ws.Root, "pids"));
        Assert.Contains("created pipeline 'my-spout'", ws.Run("pipeline", "create", "-f", "spout.json").ShouldSucceed().Stdout);
        ws.Run("pipeline", "create", "-f", "upper.json").ShouldSucceed();
        Assert.Contains("Spout", ws.Run("pipeline", "inspect", "my-spout").ShouldSucceed().Stdout);
        Assert.Contains("spout: its process runs under 'dotnet pipe watch'", ws.Run("status").ShouldSucceed().Stdout);
        Assert.Equal(0, ws.Run("run", "--question").ExitCode); // a spout is never out of date: run starts no job of it

        var watch = new WatchProcess(ws, 0.2);
        try
        {
            await SendAsync("a", "hello");
            await SendAsync("b", "world");

            // a crash: watch says so and starts it again, and it goes on with the next message
            Message("c", "crash");
            await WaitUntilAsync(() => watch.Logged("spout 'my-spout' exited with code 3; restarting it (restart 1)"), "the restart line");
            await SendAsync("d", "again");

            // stopped: its process ends; started: a new one takes the messages that came meanwhile
            var first = Pids();
            Assert.Equal(2, first.Length);
            ws.Run("pipeline", "stop", "my-spout").ShouldSucceed();
            await WaitUntilAsync(() => watch.Logged("spout 'my-spout' stopped: the pipeline was stopped or deleted") && first.All(Ended), "the spout to stop");
            Assert.Contains("stopped", ws.Run("status").ShouldSucceed().Stdout);
            ws.Run("pipeline", "start", "my-spout").ShouldSucceed();
            await SendAsync("e", "resumed");
        }
        finally
        {
            await watch.StopAsync(); // Ctrl+C: watch stops the processes it runs as it ends
        }

        Assert.All(Pids(), pid => Assert.True(Ended(pid), $"spout process {pid} outlived watch"));
        Assert.True(watch.Logged("spout 'my-spout' stopped: watch stopped"), watch.Log);

        // one commit per message, made by the pipeline; one job of upper per commit, its output's provenance naming it
        var commits = JsonOutput.Parse(ws.Run("commit", "list", "my-spout@master", "--output", "json").ShouldSucceed());
        Assert.True(commits.GetArrayLength() == 4, watch.Log);
        Assert.All(commits.EnumerateArray(), c => Assert.Equal("pipeline:my-spout", c.GetProperty("origin").GetString()));
        var outputs = JsonOutput.Parse(ws.Run("commit", "list", "upper@master", "--output", "json").ShouldSucceed());
        var provenance = outputs.EnumerateArray()
            .Select(c => JsonOutput.Parse(ws.Run("commit", "inspect", $"upper@{c.GetProperty("id").GetString()}", "--output", "json").ShouldSucceed()))
            .Select(c => c.GetProperty("provenance")[0].GetProperty("commit").GetString())
            .Order(StringComparer.Ordinal);
        Assert.Equal(commits.EnumerateArray().Select(c => c.GetProperty("id").GetString()).Order(StringComparer.Ordinal), provenance);
        Assert.Equal("HELLO", Processed("a"));
        Assert.Equal("AGAIN", Processed("d"));
        ws.Run("fsck").ShouldSucceed();
    }

    [Fact]
    public async Task A_spout_that_keeps_ending_at_once_is_restarted_after_longer_and_longer_waits()
    {
        ws.Write("spout.json", """{"pipeline": {"name": "broken"}, "spout": {}, "transform": {"cmd": ["sh", "-c", "exit 4"]}}""");
        ws.Run("pipeline", "create", "-f", "spout.json").ShouldSucceed();

        var watch = new WatchProcess(ws, 0.1);
        try
        {
            await WaitUntilAsync(() => watch.Logged("spout 'broken' exited with code 4; restarting it in 2s (restart 3)"), "the third restart");
        }
        finally
        {
            await watch.StopAsync(); // Ctrl+C: watch stops the processes it runs as it ends
        }

        Assert.True(watch.Logged("spout 'broken' exited with code 4; restarting it (restart 1)"), watch.Log);
        Assert.True(watch.Logged("spout 'broken' exited with code 4; restarting it in 1s (restart 2)"), watch.Log);
    }

    [Fact]
    public void A_stopped_pipeline_runs_no_job_until_it_is_started()
    {
        ws.Run("repo", "create", "my-spout").ShouldSucceed();
        ws.Write("upper.json", UpperSpec);
        ws.Run("pipeline", "create", "-f", "upper.json").ShouldSucceed();
        Assert.Contains("stopped pipeline 'upper'", ws.Run("pipeline", "stop", "upper").ShouldSucceed().Stdout);
        ws.Run("stop", "pipeline", "upper").ShouldSucceed(); // pachctl's spelling; stopping a stopped pipeline changes nothing

        ws.Write("a.txt", "hello");
        ws.Run("file", "put", "my-spout@master:/a", "-f", "a.txt").ShouldSucceed();
        Assert.Equal("everything is up to date\n", ws.Run("run").ShouldSucceed().Stdout);
        Assert.Contains("pipeline 'upper' is stopped: it runs no job until 'dotnet pipe pipeline start upper'", ws.Run("run", "upper").ShouldSucceed().Stderr);
        Assert.Equal(0, ws.Run("run", "--question").ExitCode);
        Assert.Contains("stopped: 'dotnet pipe pipeline start upper' resumes it", ws.Run("status").ShouldSucceed().Stdout);
        Assert.Empty(JsonOutput.Parse(ws.Run("job", "list", "-p", "upper", "--output", "json").ShouldSucceed()).EnumerateArray());

        // an update keeps it stopped
        ws.Run("pipeline", "update", "-f", "upper.json").ShouldSucceed();
        Assert.Contains("stopped", ws.Run("status").ShouldSucceed().Stdout);

        Assert.Contains("started pipeline 'upper'", ws.Run("start", "pipeline", "upper").ShouldSucceed().Stdout);
        ws.Run("run").ShouldSucceed();
        Assert.Equal("HELLO", Processed("a"));
        ws.Run("pipeline", "stop", "nope").ShouldFailWith("PIPE4001");
    }

    [Fact]
    public void Convert_writes_a_spout_pipeproj_that_reads_back_as_the_spec()
    {
        ws.Write("spout.json", SpoutSpec);
        ws.Run("pipeline", "convert", "spout.json").ShouldSucceed();
        var project = File.ReadAllText(Path.Combine(ws.Root, "my-spout.pipeproj"));
        Assert.Contains("<Spout>true</Spout>", project, StringComparison.Ordinal);
        Assert.DoesNotContain("PipeInput", project, StringComparison.Ordinal);

        var inspected = JsonOutput.Parse(ws.Run("pipeline", "inspect", "-f", "my-spout.pipeproj", "--output", "json").ShouldSucceed());
        Assert.True(inspected.GetProperty("spout").GetBoolean());
        Assert.Contains("Spout", ws.Run("pipeline", "inspect", "-f", "my-spout.pipeproj").ShouldSucceed().Stdout, StringComparison.Ordinal);
    }

    public void Dispose() => ws.Dispose();

    private static bool Ended(int pid) => !Directory.Exists($"/proc/{pid}");

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Delay(100);
        }
    }

    /// <summary>Writes a message where the spout reads it: whole, by a rename.</summary>
    private void Message(string name, string text)
    {
        var path = Path.Combine(ws.Root, "queue", name);
        File.WriteAllText(path, text);
        File.Move(path, path + ".msg");
    }

    /// <summary>
    /// Sends a message and waits until it was processed downstream and the spout took it off its queue, which it does
    /// once its put (and the downstream job the put runs) returned: a spout stopped before that puts it again.
    /// </summary>
    private async Task SendAsync(string name, string text)
    {
        Message(name, text);
        await WaitUntilAsync(() => Processed(name) == text.ToUpperInvariant(), $"message {name} to be processed downstream");
        await WaitUntilAsync(() => !File.Exists(Path.Combine(ws.Root, "queue", name + ".msg")), $"the spout to take message {name} off its queue");
    }

    private string? Processed(string name) =>
        ws.Run("file", "get", $"upper@master:/{name}") is { ExitCode: 0 } got ? got.Stdout : null;

    private int[] Pids() => [.. Directory.EnumerateFiles(Path.Combine(ws.Root, "pids")).Select(f => int.Parse(Path.GetFileName(f), System.Globalization.CultureInfo.InvariantCulture))];
}
