using System.Text.RegularExpressions;
using PipeBuild.Engine;

namespace PipeBuild.Cli.Tests;

/// <summary>
/// What a CI log shows of the jobs a write starts (stderr redirected, as in-process runs always are): a line when
/// each job starts and one with its final counts; and <c>--no-wait</c>, which stores the write and leaves the jobs to
/// <c>watch</c> or <c>run</c>.
/// </summary>
public sealed partial class JobLogLinesTests : IDisposable
{
    private const string Spec = """
        {
          "pipeline": { "name": "copy" },
          "transform": { "cmd": ["sh", "-c", "cp \"$in\" /pfs/out/"] },
          "input": { "pfs": { "repo": "in", "glob": "/*" } }
        }
        """;

    private readonly TempWorkspace ws = new();

    public JobLogLinesTests() => ws.Run("repo", "create", "in").ShouldSucceed();

    [Fact]
    public void A_log_shows_each_job_start_and_its_final_counts()
    {
        Put("a.txt", "--no-run");
        Put("b.txt", "--no-run");
        ws.Write("copy.json", Spec);
        var created = ws.Run("pipeline", "create", "-f", "copy.json").ShouldSucceed();
        Assert.Single(StartLines(created.Stderr), "copy: started, 2 datum(s), 0 reused, 2 to run");
        Assert.Contains("copy: success, 2 datum(s) ran, 0 reused, 0 failed of 2", created.Stdout);

        var put = Put("c.txt");
        Assert.Single(StartLines(put.Stderr), "copy: started, 3 datum(s), 2 reused, 1 to run");
        Assert.Contains("copy: success, 1 datum(s) ran, 2 reused, 0 failed of 3", put.Stderr);
        Assert.True(ProgressLines(put.Stderr).Count() <= 1, put.Stderr); // at most one every few seconds: one datum ran

        // with --output json the lines stay on stderr and stdout is the JSON alone
        var updated = ws.Run("pipeline", "update", "-f", "copy.json", "--reprocess", "--output", "json").ShouldSucceed();
        Assert.Single(StartLines(updated.Stderr), "copy: started, 3 datum(s), 0 reused, 3 to run");
        Assert.Equal(3, JsonOutput.Parse(updated)[0].GetProperty("datumsProcessed").GetInt32());
    }

    [Fact]
    public async Task No_wait_stores_the_commit_runs_no_job_and_watch_then_processes_it()
    {
        Put("a.txt");
        ws.Write("copy.json", Spec);
        ws.Run("pipeline", "create", "-f", "copy.json").ShouldSucceed();

        var put = Put("b.txt", "--no-wait");
        Assert.Empty(StartLines(put.Stderr));
        Assert.Equal("b.txt\n", ws.Run("file", "get", "in@master:b.txt").ShouldSucceed().Stdout);
        Assert.Single(JsonOutput.Parse(ws.Run("job", "list", "-p", "copy", "--output", "json").ShouldSucceed()).EnumerateArray());
        Assert.Equal(1, ws.Run("run", "--question").ExitCode);

        ws.Write("copy.json", Spec.Replace("cp ", "cp -p ", StringComparison.Ordinal));
        var updated = ws.Run("pipeline", "update", "-f", "copy.json", "--no-wait").ShouldSucceed();
        Assert.Contains("updated pipeline 'copy' (version 2)", updated.Stdout);
        Assert.Empty(StartLines(updated.Stderr));

        // a running watch picks both up in one job: b.txt runs, a.txt's result is kept by the update
        using var stop = new CancellationTokenSource();
        var watch = ws.RunAsync(["watch", "--interval", "0.1"], stop.Token);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (ws.Run("run", "--question").ExitCode != 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        await stop.CancelAsync(); // Ctrl+C: in-process, the cancellation reaches the caller (exit code 130 for a process)
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => watch);
        Assert.Equal("b.txt\n", ws.Run("file", "get", "copy@master:b.txt").ShouldSucceed().Stdout);
        var jobs = JsonOutput.Parse(ws.Run("job", "list", "-p", "copy", "--output", "json").ShouldSucceed());
        Assert.Equal(2, jobs.GetArrayLength());
        Assert.Equal((1, 1), (jobs[0].GetProperty("datumsProcessed").GetInt32(), jobs[0].GetProperty("datumsSkipped").GetInt32()));
    }

    [Fact]
    public void No_wait_on_create_registers_the_pipeline_and_run_processes_it()
    {
        Put("a.txt");
        ws.Write("copy.json", Spec);
        var created = ws.Run("pipeline", "create", "-f", "copy.json", "--no-wait").ShouldSucceed();
        Assert.Empty(StartLines(created.Stderr));
        Assert.Empty(JsonOutput.Parse(ws.Run("job", "list", "-p", "copy", "--output", "json").ShouldSucceed()).EnumerateArray());
        Assert.Contains("copy: success, 1 datum(s) ran, 0 reused", ws.Run("run").ShouldSucceed().Stdout);
    }

    [Fact]
    public void Progress_lines_of_a_job_come_at_most_one_per_five_seconds_after_its_start_line()
    {
        var clock = new ManualClock();
        var log = new StringWriter();
        var lines = new JobReporter.Lines(log, clock);
        const string job = "0123456789abcdef0123456789abcdef";
        for (var done = 0; done < 50; done++)
        {
            lines.Report(new JobProgress("p", job, 100, done, 0, 0));
        }

        clock.Now += TimeSpan.FromSeconds(4.9);
        lines.Report(new JobProgress("p", job, 100, 50, 0, 0));
        clock.Now += TimeSpan.FromSeconds(0.1);
        for (var done = 51; done < 100; done++)
        {
            lines.Report(new JobProgress("p", job, 100, done, 0, 0));
        }

        lines.Report(new JobProgress("q", "fedcba9876543210fedcba9876543210", 3, 0, 3, 0)); // another job starts at once
        Assert.Equal(
            ["job 0123456789ab p: started, 100 datum(s), 0 reused, 100 to run", "job 0123456789ab p: 51 ran, 0 reused, 0 failed of 100", "job fedcba987654 q: started, 3 datum(s), 3 reused, 0 to run"],
            log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    public void Dispose() => ws.Dispose();

    /// <summary>A clock the test moves: the lines are counted at given times, not timed.</summary>
    private sealed class ManualClock : TimeProvider
    {
        public TimeSpan Now { get; set; }

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Now.Ticks;
    }

    private PipeResult Put(string name, params string[] flags) =>
        ws.Run(["file", "put", $"in@master:{name}", "-f", ws.Write($"in/{name}", name + "\n"), .. flags]).ShouldSucceed();

    /// <summary>The start lines in <paramref name="log"/>, each without its "job ID " prefix.</summary>
    private static IEnumerable<string> StartLines(string log) =>
        JobLine().Matches(log).Select(m => m.Groups[1].Value).Where(l => l.Contains(": started, ", StringComparison.Ordinal));

    private static IEnumerable<string> ProgressLines(string log) =>
        JobLine().Matches(log).Select(m => m.Groups[1].Value).Where(l => l.Contains(" ran, ", StringComparison.Ordinal) && !l.Contains("success", StringComparison.Ordinal));

    [GeneratedRegex("^job [0-9a-f]{12} (.*)$", RegexOptions.Multiline)]
    private static partial Regex JobLine();
}
