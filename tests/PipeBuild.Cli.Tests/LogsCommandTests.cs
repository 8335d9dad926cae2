using CliWrap;

namespace PipeBuild.Cli.Tests;

/// <summary><c>dotnet pipe logs</c> (pachctl logs): a job's datum logs chosen by pipeline, job, datum, input files; its master log; following a running job.</summary>
public sealed class LogsCommandTests : IDisposable
{
    private readonly TempWorkspace ws = new();

    private string Job => JsonOutput.Column(ws.Run("job", "list", "--output", "json"), "id")[0];

    [Fact]
    public void Logs_select_a_jobs_datums_by_pipeline_job_datum_and_input_files_as_pachctl_logs_does()
    {
        CreateEchoPipeline();
        var job = Job;

        // pachctl logs --pipeline P: the pipeline's (newest) job; --job accepts an id or pachctl 2.x's pipeline@job.
        foreach (var args in new[] { new[] { "--pipeline", "echo" }, ["--job", job], ["--job", $"echo@{job}"], ["-p", "echo", "-j", job[..8]] })
        {
            var all = ws.Run(["logs", .. args]).ShouldSucceed().Stdout;
            Assert.Contains("log of a.txt\n", all);
            Assert.Contains("log of b.txt\n", all);
            Assert.Contains("=== datum ", all);
        }

        // pachctl v1 spelled it get-logs.
        Assert.Contains("log of b.txt", ws.Run("get-logs", "--pipeline", "echo").ShouldSucceed().Stdout);

        // pachctl logs --inputs: only the datums that read those files, named by path or by content hash.
        var onlyA = ws.Run("logs", "--job", job, "--inputs", "/a.txt").ShouldSucceed().Stdout;
        Assert.Contains("log of a.txt", onlyA);
        Assert.DoesNotContain("log of b.txt", onlyA);
        var hashOfB = JsonOutput.Parse(ws.Run("file", "list", "data@master:/b.txt", "--output", "json"))[0].GetProperty("hash").GetString()!;
        var onlyB = ws.Run("logs", "--job", job, "--inputs", hashOfB).ShouldSucceed().Stdout;
        Assert.Contains("log of b.txt", onlyB);
        Assert.DoesNotContain("log of a.txt", onlyB);
        Assert.Equal("", ws.Run("logs", "--job", job, "--inputs", "/a.txt,/b.txt").ShouldSucceed().Stdout); // no datum read both

        // pachctl logs --datum: one datum's log.
        var datumOfA = JsonOutput.Parse(ws.Run("datum", "list", job, "--output", "json")).EnumerateArray()
            .Single(d => d.GetProperty("description").GetString() == "data:/a.txt").GetProperty("id").GetString()!;
        var one = ws.Run("logs", "--job", job, "--datum", datumOfA[..10]).ShouldSucceed().Stdout;
        Assert.Contains("log of a.txt", one);
        Assert.DoesNotContain("log of b.txt", one);

        // pachctl logs --raw: the logged lines alone.
        Assert.Equal("log of a.txt\n", ws.Run("logs", "--job", job, "--datum", datumOfA, "--raw").ShouldSucceed().Stdout);

        // pachctl logs --master: the job's own log, not a datum's.
        var master = ws.Run("logs", "--pipeline", "echo", "--master").ShouldSucceed().Stdout;
        Assert.Contains($"=== job {job[..12]} of echo success ===", master);
        Assert.Contains("datums: 2 ran, 0 reused, 0 failed of 2", master);
        Assert.Contains("output commit echo@", master);
        Assert.DoesNotContain("log of", master);
    }

    [Fact]
    public void The_master_log_of_a_job_that_failed_before_any_datum_ran_says_why()
    {
        // pachctl logs --master shows what the job itself did: here, its command could not start.
        ws.Run("repo", "create", "in").ShouldSucceed();
        ws.Run("file", "put", "in@master:a.txt", "-f", ws.Write("a.txt", "a")).ShouldSucceed();
        var spec = ws.Write("train.json", """{"pipeline":{"name":"train"},"transform":{"image":"example/train:1","cmd":["/code/train.py"]},"input":{"pfs":{"repo":"in","glob":"/*"}}}""");
        ws.Run("pipeline", "create", "-f", spec).ShouldFailWith("PIPE6001");

        var master = ws.Run("logs", "--pipeline", "train", "--master").ShouldSucceed().Stdout;

        Assert.Contains($"=== job {Job[..12]} of train failure ===", master);
        Assert.Contains("datums: 0 ran, 0 reused, 0 failed of 0", master);
        Assert.Contains("cannot start '/code/train.py'", master);
        Assert.Contains("cannot start '/code/train.py'", ws.Run("logs", "--pipeline", "train").ShouldSucceed().Stdout); // no datum logged: the job's account
    }

    [Fact]
    public void Logs_without_a_pipeline_or_job_and_bad_values_of_each_flag_are_errors_naming_it_that_change_nothing()
    {
        CreateEchoPipeline();
        var job = Job;
        var before = ws.StoreFingerprint();

        // pachctl logs needs a pipeline or a job.
        Assert.Contains("--pipeline", ws.Run("logs").ShouldFailWith("PIPE1001").Stderr);
        Assert.Contains("--pipeline", ws.Run("logs", "--master").ShouldFailWith("PIPE1001").Stderr);
        Assert.Contains("--pipeline: pipeline 'nope' not found", ws.Run("logs", "--pipeline", "nope").ShouldFailWith("PIPE4001").Stderr);
        Assert.Contains("--job: job 'ffff0000' not found", ws.Run("logs", "--job", "ffff0000").ShouldFailWith("PIPE4006").Stderr);
        Assert.Contains("--job: ", ws.Run("logs", "--job", "echo@").ShouldFailWith("PIPE4006").Stderr);
        Assert.Contains("not of 'other'", ws.Run("logs", "--pipeline", "other", "--job", job).ShouldFailWith("PIPE4006").Stderr);
        Assert.Contains("--datum: job", ws.Run("logs", "--job", job, "--datum", "ffff0000").ShouldFailWith("PIPE4009").Stderr);
        Assert.Contains("--inputs", ws.Run("logs", "--job", job, "--inputs", "/a.txt,,/b.txt").ShouldFailWith("PIPE1001").Stderr);
        Assert.Contains("--inputs", ws.Run("logs", "--job", job, "--inputs", "../a.txt").ShouldFailWith("PIPE5010").Stderr);
        Assert.Contains("--datum", ws.Run("job", "logs", job, "--datum", "ffff0000").ShouldFailWith("PIPE4009").Stderr);
        ws.Run("logs", "--job", job, "--follow", "extra").ShouldFailWith("PIPE1001");

        Assert.Equal(before, ws.StoreFingerprint());
    }

    [Fact]
    public void Logs_tail_prints_the_last_lines_of_each_datums_log()
    {
        ws.Run("repo", "create", "data").ShouldSucceed();
        ws.Run("file", "put", "data@master:a.txt", "-f", ws.Write("in/a.txt", "alpha")).ShouldSucceed();
        ws.Write("count.json", """{"pipeline": {"name": "count"}, "datum_tries": 1, "transform": {"cmd": ["sh", "-c", "seq 1 1000; printf 'no end'"]}, "input": {"pfs": {"repo": "data", "glob": "/*"}}}""");
        ws.Run("pipeline", "create", "-f", "count.json").ShouldSucceed();

        Assert.Equal("999\n1000\nno end\n", ws.Run("logs", "--pipeline", "count", "--tail", "3", "--raw").ShouldSucceed().Stdout);
        var withHeader = ws.Run("logs", "--pipeline", "count", "--tail", "1").ShouldSucceed().Stdout;
        Assert.Matches("^=== datum [0-9a-f]{12} \\(data:/a.txt\\) success ===\nno end\n$", withHeader);
        Assert.StartsWith("1\n2\n", ws.Run("logs", "--pipeline", "count", "--tail", "0", "--raw").ShouldSucceed().Stdout); // pachctl's 0: all of it
        ws.Run("logs", "--pipeline", "count", "--tail", "-1").ShouldFailWith("PIPE1001");
    }

    [Fact]
    public async Task Logs_follow_prints_each_datums_log_as_it_ends_until_the_job_ends()
    {
        // pachctl logs --follow: new logs as they come. The second datum waits for a file that is created only
        // once the follower (a process of its own, its output read line by line) has printed the first datum's log.
        ws.Run("repo", "create", "data").ShouldSucceed();
        ws.Run("file", "put", "data@master:/", "-f", ws.Write("in/a.txt", "a"), "-f", ws.Write("in/b.txt", "b"), "--no-run").ShouldSucceed();
        var go = Path.Combine(ws.Root, "go");
        ws.Write("gated.json", """
            {"pipeline": {"name": "gated"}, "parallelism_spec": {"constant": 2}, "datum_tries": 1,
             "transform": {"cmd": ["sh", "-c", "for f in /pfs/data/*; do n=$(basename $f); echo log of $n; if [ $n = b.txt ]; then while [ ! -e GO_FILE ]; do sleep 0.05; done; fi; cp $f /pfs/out/; done"]},
             "input": {"pfs": {"repo": "data", "glob": "/*"}}}
            """.Replace("GO_FILE", go, StringComparison.Ordinal));
        ws.Run("pipeline", "create", "-f", "gated.json", "--no-run").ShouldSucceed();
        var run = ws.RunAsync(["run"]);
        string? job = null;
        for (var tries = 0; job is null && tries < 600 && !run.IsCompleted; tries++)
        {
            await Task.Delay(100);
            job = JsonOutput.Column(ws.Run("job", "list", "--output", "json"), "id").FirstOrDefault();
        }

        Assert.True(job is not null, run.IsCompleted ? (await run).Stderr : "no job started within a minute");
        var lines = new List<string>();
        var follower = ws.Command(["logs", "--job", job!, "--follow"])
            .WithStandardOutputPipe(PipeTarget.ToDelegate(line =>
            {
                lock (lines)
                {
                    lines.Add(line);
                }

                if (line == "log of a.txt")
                {
                    File.WriteAllText(go, "");
                }
            }))
            .ExecuteAsync();

        var followed = await follower.Task.WaitAsync(TimeSpan.FromMinutes(2));
        var ran = await run.WaitAsync(TimeSpan.FromMinutes(1));

        Assert.Equal(0, followed.ExitCode);
        Assert.Equal(0, ran.ExitCode);
        Assert.True(File.Exists(go)); // the first log was printed while the job still ran
        var logged = lines.Where(l => l.StartsWith("log of", StringComparison.Ordinal)).ToList();
        Assert.Equal(["log of a.txt", "log of b.txt"], logged); // each once, in the order they ended
        Assert.Equal("success", JsonOutput.Parse(ws.Run("job", "inspect", job!, "--output", "json")).GetProperty("state").GetString());
    }

    private void CreateEchoPipeline()
    {
        ws.Run("repo", "create", "data").ShouldSucceed();
        ws.Run("file", "put", "data@master:/", "-f", ws.Write("in/a.txt", "alpha"), "-f", ws.Write("in/b.txt", "beta")).ShouldSucceed();
        ws.Write("echo.json", """{"pipeline": {"name": "echo"}, "datum_tries": 1, "transform": {"cmd": ["sh", "-c", "for f in /pfs/data/*; do echo log of $(basename $f); cp $f /pfs/out/; done"]}, "input": {"pfs": {"repo": "data", "glob": "/*"}}}""");
        ws.Run("pipeline", "create", "-f", "echo.json").ShouldSucceed();
    }

    public void Dispose() => ws.Dispose();
}
