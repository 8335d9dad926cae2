using System.Diagnostics;
using System.Text;
using PipeBuild.Core.Pipelines;
using PipeBuild.Engine;
using PipeBuild.Store;

namespace PipeBuild.Testing;

/// <summary>
/// What every executor must do the same way, whatever runs the transform (a process, a container, a pod):
/// outputs, the datum's environment, stdin, exit codes, logs, links into inputs, timeouts and cancellation.
/// Each executor's tests derive from this; the scripts run in any POSIX sh (busybox's included).
/// </summary>
public abstract class ExecutorConformanceTests : IDisposable
{
    private EngineFixture? fixture;

    protected EngineFixture Fx => fixture ??= new EngineFixture(CreateExecutor);

    /// <summary>The image pipelines name (container executors run it; the local executor ignores it).</summary>
    protected virtual string? Image => null;

    [SkippableFact]
    public async Task Writes_outputs_with_the_datums_environment()
    {
        RequireComponents();
        await Fx.PutAsync("data", new Dictionary<string, string> { ["a.txt"] = "alpha\n", ["b.txt"] = "beta\n" });
        const string script = """
            n=$(basename "$data")
            { cat "$data"; echo "pipeline=$PIPE_PIPELINE"; echo "datum=$PIPE_DATUM_ID"; echo "job=$PACH_JOB_ID"; echo "greeting=$GREETING"; } > /pfs/out/$n
            """;
        await Fx.CreateAsync(Shell("env", script, new PfsInput("data", "/*")) with { Env = [new("GREETING", "hello")] });

        var job = await Fx.RunOneAsync("env");

        Assert.Equal(JobState.Success, job.State);
        var outputs = await Fx.ReadAsync("env");
        Assert.Equal(["a.txt", "b.txt"], outputs.Keys.Order(StringComparer.Ordinal));
        var datumA = (await Fx.Engine.Jobs.GetDatumsAsync(job, default)).Single(d => d.Description == "data:/a.txt").Id;
        Assert.Equal($"alpha\npipeline=env\ndatum={datumA}\njob={job.Id}\ngreeting=hello\n", outputs["a.txt"]);
        Assert.StartsWith("beta\npipeline=env\n", outputs["b.txt"]);
    }

    [SkippableFact]
    public async Task Every_executor_gives_a_datum_the_same_variables_with_paths_under_its_pfs()
    {
        RequireComponents();
        await Fx.PutAsync("data", new Dictionary<string, string> { ["a.txt"] = "alpha\n" });
        await Fx.PutAsync("config", new Dictionary<string, string> { ["c.txt"] = "conf\n" });
        const string script = """
            show() { eval "v=\${$1-unset}"; case $v in "$PIPE_PFS"*) v="PFS${v#"$PIPE_PFS"}";; esac; echo "$1=$v"; }
            for n in PIPE_PIPELINE PIPE_PFS data config OUT SEED; do show $n; done > /pfs/out/env.txt
            echo "ids=$PIPE_JOB_ID $PACH_JOB_ID $PIPE_DATUM_ID $PACH_DATUM_ID" >> /pfs/out/env.txt
            [ "$(cd /pfs && pwd -P)" = "$(cd "$PIPE_PFS" && pwd -P)" ] && echo same-pfs >> /pfs/out/env.txt
            cat "$data" "$config/c.txt" >> /pfs/out/env.txt
            """;
        var input = new CrossInput([new PfsInput("data", "/*"), new PfsInput("config", "/")]);
        await Fx.CreateAsync(Shell("envs", script, input) with { Env = [new("OUT", "/pfs/out"), new("SEED", "7"), new("PIPE_DATUM_ID", "mine"), new("data", "mine")] });

        var job = await Fx.RunOneAsync("envs");

        Assert.True(job.State == JobState.Success, job.Failures.FirstOrDefault()?.Reason);
        var datum = Assert.Single(await Fx.Engine.Jobs.GetDatumsAsync(job, default)).Id;
        Assert.Equal(
            $"PIPE_PIPELINE=envs\nPIPE_PFS=PFS\ndata=PFS/data/a.txt\nconfig=PFS/config\nOUT=PFS/out\nSEED=7\nids={job.Id} {job.Id} {datum} {datum}\nsame-pfs\nalpha\nconf\n",
            (await Fx.ReadAsync("envs"))["env.txt"]);
    }

    [SkippableFact]
    public async Task A_group_datum_sees_every_part_of_its_input()
    {
        RequireComponents();
        await Fx.PutAsync("parts", new Dictionary<string, string> { ["x-1.txt"] = "one\n", ["x-2.txt"] = "two\n" });
        const string script = "cat /pfs/parts/x-1.txt /pfs/parts/x-2.txt > /pfs/out/x.txt; echo \"${parts#\"$PIPE_PFS\"}\" >> /pfs/out/x.txt";
        await Fx.CreateAsync(Shell("group", script, new GroupInput([new PfsInput("parts", "/(*)-*.txt") { GroupBy = "$1" }])));

        var job = await Fx.RunOneAsync("group");

        Assert.True(job.State == JobState.Success, job.Failures.FirstOrDefault()?.Reason);
        Assert.Equal("one\ntwo\n/parts/x-2.txt\n", (await Fx.ReadAsync("group"))["x.txt"]);
    }

    [SkippableFact]
    public async Task Feeds_stdin_lines_to_the_transform()
    {
        RequireComponents();
        await Fx.PutAsync("data", new Dictionary<string, string> { ["a.txt"] = "alpha\n" });
        await Fx.CreateAsync(Shell("stdin", "", new PfsInput("data", "/")) with
        {
            Command = ["sh"],
            Stdin = ["echo one > /pfs/out/stdin.txt", "cat /pfs/data/a.txt >> /pfs/out/stdin.txt"],
        });

        Assert.Equal(JobState.Success, (await Fx.RunOneAsync("stdin")).State);
        Assert.Equal("one\nalpha\n", (await Fx.ReadAsync("stdin"))["stdin.txt"]);
    }

    [SkippableFact]
    public async Task The_transform_sees_its_inputs_and_output_under_pfs_however_it_names_the_folder()
    {
        RequireComponents();
        await Fx.PutAsync("data", new Dictionary<string, string> { ["a.txt"] = "alpha\n" });
        const string script = """
            cd /pfs && ls > /tmp/pfs-list.txt && mv /tmp/pfs-list.txt out/list.txt
            cat '/pfs/data/a.txt' "/pfs"/data/a.txt > /pfs/out/twice.txt
            echo /data/pfs/x /pfs2 > /pfs/out/untouched.txt
            """;
        await Fx.CreateAsync(Shell("pfs", script, new PfsInput("data", "/")));

        Assert.Equal(JobState.Success, (await Fx.RunOneAsync("pfs")).State);
        var outputs = await Fx.ReadAsync("pfs");
        Assert.Equal("data\nout\n", outputs["list.txt"]);
        Assert.Equal("alpha\nalpha\n", outputs["twice.txt"]);
        Assert.Equal("/data/pfs/x /pfs2\n", outputs["untouched.txt"]);
    }

    [SkippableFact]
    public async Task A_nonzero_exit_fails_the_datum_and_keeps_stdout_and_stderr_in_its_log()
    {
        RequireComponents();
        await Fx.PutAsync("data", new Dictionary<string, string> { ["a.txt"] = "alpha\n" });
        await Fx.CreateAsync(Shell("fail", "echo to-stdout; echo to-stderr >&2; exit 3", new PfsInput("data", "/*")));

        var job = await Fx.RunOneAsync("fail");

        Assert.Equal(JobState.Failure, job.State);
        var failure = Assert.Single(job.Failures);
        Assert.Equal("exit code 3", failure.Reason);
        var log = Encoding.UTF8.GetString(await Fx.Store.Content.ReadAllAsync(new FileContent(EntryKind.File, failure.LogHash!, 0), default));
        Assert.Contains("to-stdout\n", log);
        Assert.Contains("to-stderr\n", log);
    }

    [SkippableFact]
    public async Task A_datums_log_is_every_byte_it_printed_however_long()
    {
        RequireComponents();
        await Fx.PutAsync("data", new Dictionary<string, string> { ["a.txt"] = "alpha\n" });
        // Megabytes of lines (more than one chunk of the store, more than any pipe buffer), then a line with no end.
        const string script = "{ head -c 2000000 /dev/urandom | od -An -tx1; printf 'a last line with no end'; } | tee /pfs/out/printed";
        await Fx.CreateAsync(Shell("loud", script, new PfsInput("data", "/*")));

        var job = await Fx.RunOneAsync("loud");

        Assert.True(job.State == JobState.Success, job.Failures.FirstOrDefault()?.Reason);
        var printed = Encoding.UTF8.GetBytes((await Fx.ReadAsync("loud"))["printed"]);
        Assert.True(printed.Length > 5_000_000, $"{printed.Length} bytes printed");
        var logHash = Assert.Single(await Fx.Engine.Jobs.GetDatumsAsync(job, default)).LogHash!;
        Assert.Equal(Core.ContentHash.Of(printed), logHash); // a log is stored as one object: its name is the hash of its bytes
        await using var log = await Fx.Store.Content.OpenObjectAsync(logHash, default);
        Assert.Equal(logHash, await Core.ContentHash.OfAsync(log, default));
    }

    [SkippableFact]
    public async Task An_accepted_return_code_counts_as_success()
    {
        RequireComponents();
        await Fx.PutAsync("data", new Dictionary<string, string> { ["a.txt"] = "alpha\n" });
        await Fx.CreateAsync(Shell("accept", "echo done > /pfs/out/done.txt; exit 3", new PfsInput("data", "/*")) with { AcceptReturnCodes = [3] });

        Assert.Equal(JobState.Success, (await Fx.RunOneAsync("accept")).State);
        Assert.Equal("done\n", (await Fx.ReadAsync("accept"))["done.txt"]);
    }

    [SkippableFact]
    public async Task A_link_from_out_to_an_input_stores_the_inputs_content()
    {
        RequireComponents();
        await Fx.PutAsync("data", new Dictionary<string, string> { ["a.txt"] = "alpha\n" });
        await Fx.CreateAsync(Shell("link", "ln -s /pfs/data/a.txt /pfs/out/linked.txt", new PfsInput("data", "/*")));

        Assert.Equal(JobState.Success, (await Fx.RunOneAsync("link")).State);
        Assert.Equal("alpha\n", (await Fx.ReadAsync("link"))["linked.txt"]);
    }

    [SkippableFact]
    public async Task An_empty_files_input_is_seen_by_name_with_no_bytes_and_a_link_to_one_is_its_content()
    {
        RequireComponents();
        await Fx.PutAsync("data", new Dictionary<string, string> { ["a.txt"] = "alpha\n", ["b.txt"] = "beta\n" });
        const string script = "wc -c < \"$data\" | tr -d ' ' > /pfs/out/size-$(basename \"$data\"); ln -s \"$data\" /pfs/out/$(basename \"$data\")";
        await Fx.CreateAsync(Shell("names", script, new PfsInput("data", "/*") { EmptyFiles = true }));

        Assert.Equal(JobState.Success, (await Fx.RunOneAsync("names")).State);
        var outputs = await Fx.ReadAsync("names");
        Assert.Equal(("0\n", "0\n"), (outputs["size-a.txt"], outputs["size-b.txt"]));
        Assert.Equal(("alpha\n", "beta\n"), (outputs["a.txt"], outputs["b.txt"]));
    }

    [SkippableFact]
    public async Task No_link_trick_makes_the_host_store_its_own_files()
    {
        RequireComponents();
        var host = Directory.CreateTempSubdirectory("pipe-host-").FullName;
        try
        {
            var marker = $"HOST-SECRET-{Guid.NewGuid():N}";
            var secret = Path.Combine(host, "secret.txt");
            File.WriteAllText(secret, marker + "\n");
            var mayRun = EscapeAttempts.MayRun(hardLink: Image is not null);
            await Fx.PutAsync("attack", EscapeAttempts.MustFail.Concat(mayRun).ToDictionary());
            await Fx.CreateAsync(Shell("escape", "sh \"$attack\"", new PfsInput("attack", "/*")) with { Env = [new("SECRET", secret)] });

            var job = await Fx.RunOneAsync("escape");

            var failures = job.Failures.ToDictionary(f => f.Description[("attack:/".Length)..], f => f.Reason);
            Assert.All(EscapeAttempts.MustFail.Keys, name =>
                Assert.True(failures.TryGetValue(name, out var reason) && reason.StartsWith("error PIPE4008: /pfs/out/", StringComparison.Ordinal), $"{name}: {reason ?? "the datum succeeded"}"));
            Assert.True(EscapeAttempts.MustFail.Count >= 30, "the corpus has at least 30 escape attempts");

            // Nothing of the host anywhere in the store: not in an output, a result, a log, nor an unreferenced object.
            var leaks = Directory.EnumerateFiles(Path.Combine(Fx.Root, ".pipe"), "*", SearchOption.AllDirectories)
                .Where(file => !file.Contains($"{Path.DirectorySeparatorChar}tmp{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
                .Where(file => File.ReadAllText(file) is var text && (text.Contains(marker, StringComparison.Ordinal) || text.Contains("root:x:0:0", StringComparison.Ordinal)))
                .ToList();
            Assert.True(leaks.Count == 0, $"host bytes stored in {string.Join(", ", leaks)}");
        }
        finally
        {
            Directory.Delete(host, recursive: true);
        }
    }

    [SkippableFact]
    public async Task Nothing_the_transform_started_outlives_its_datum()
    {
        RequireComponents();
        var seconds = 600 + Random.Shared.Next(9000); // a sleep no other test runs: how its processes are found
        await Fx.PutAsync("data", new Dictionary<string, string> { ["a.txt"] = "alpha\n" });
        var script = $"""
            setsid sh -c 'sleep {seconds}; echo late > /pfs/out/late.txt' &
            (sleep {seconds} &)
            nohup sleep {seconds} >/dev/null 2>&1 &
            sleep {seconds} > /dev/null 2>&1 &
            echo done > /pfs/out/done.txt
            """;
        await Fx.CreateAsync(Shell("detach", script, new PfsInput("data", "/*")));

        var clock = Stopwatch.StartNew();
        var job = await Fx.RunOneAsync("detach");

        Assert.Equal(JobState.Success, job.State);
        Assert.Equal(["done.txt"], (await Fx.ReadAsync("detach")).Keys);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(seconds / 2), $"the datum waited for its background processes ({clock.Elapsed})");
        var left = Directory.EnumerateDirectories("/proc")
            .Select(folder => Path.Combine(folder, "cmdline"))
            .Where(file => { try { return File.ReadAllText(file).Contains($"sleep\0{seconds}", StringComparison.Ordinal); } catch (IOException) { return false; } })
            .ToList();
        Assert.True(left.Count == 0, $"{left.Count} process(es) of the datum still run: {string.Join(", ", left)}");
    }

    [SkippableFact]
    public async Task A_datum_over_its_timeout_is_stopped_and_fails()
    {
        RequireComponents();
        await Fx.PutAsync("data", new Dictionary<string, string> { ["a.txt"] = "alpha\n" });
        await Fx.CreateAsync(Shell("slow", "sleep 60", new PfsInput("data", "/*")) with { DatumTimeout = TimeSpan.FromSeconds(2) });

        var clock = Stopwatch.StartNew();
        var job = await Fx.RunOneAsync("slow");

        Assert.Equal(JobState.Failure, job.State);
        Assert.StartsWith("timed out after 2 s", Assert.Single(job.Failures).Reason);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"the job took {clock.Elapsed}");
        await AssertNothingLeftRunningAsync("slow");
    }

    [SkippableFact]
    public async Task Cancelling_a_job_stops_its_running_datum()
    {
        RequireComponents();
        await Fx.PutAsync("data", new Dictionary<string, string> { ["a.txt"] = "alpha\n" });
        await Fx.CreateAsync(Shell("cancelled", "touch /pfs/out/started; sleep 60", new PfsInput("data", "/*")));
        using var cancel = new CancellationTokenSource();

        var clock = Stopwatch.StartNew();
        var run = Fx.Engine.RunAsync(["cancelled"], force: true, null, cancel.Token);
        await WaitUntilAsync(() => Directory.EnumerateFiles(Fx.Root, "started", SearchOption.AllDirectories).Any(), "the datum to start");
        await OnDatumRunningAsync("cancelled");
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(45), $"cancelling took until {clock.Elapsed}");
        Assert.Equal(JobState.Killed, (await Fx.Engine.Jobs.ListAsync("cancelled", default)).Single().State);
        await AssertNothingLeftRunningAsync("cancelled");
    }

    [SkippableFact]
    public async Task A_job_over_its_job_timeout_is_killed_and_its_datum_stopped()
    {
        RequireComponents();
        await Fx.PutAsync("data", new Dictionary<string, string> { ["a.txt"] = "alpha\n" });
        await Fx.CreateAsync(Shell("overdue", "sleep 60; cp \"$data\" /pfs/out/", new PfsInput("data", "/*")) with { JobTimeout = TimeSpan.FromSeconds(3) });

        var job = await Fx.RunOneAsync("overdue");

        Assert.Equal((JobState.Killed, "the job timeout (3s) was reached; the previous output is unchanged"), (job.State, job.Reason));
        Assert.Null(job.OutputCommit);
        await AssertNothingLeftRunningAsync("overdue");
    }

    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    protected static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"timed out waiting for {what}");
            await Task.Delay(100);
        }
    }

    /// <summary>The executor under test; <paramref name="fixture"/>'s folder and store exist already.</summary>
    protected abstract IDatumExecutor CreateExecutor(EngineFixture fixture);

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            fixture?.Dispose();
        }
    }

    /// <summary>Skips (or in CI fails) the test when what the executor needs is missing.</summary>
    protected virtual void RequireComponents()
    {
    }

    /// <summary>Called while a datum of <paramref name="pipeline"/> runs, to check how it runs.</summary>
    protected virtual Task OnDatumRunningAsync(string pipeline) => Task.CompletedTask;

    /// <summary>After a timeout or cancel: nothing of <paramref name="pipeline"/> may still run (containers, pods).</summary>
    protected virtual Task AssertNothingLeftRunningAsync(string pipeline) => Task.CompletedTask;

    protected PipelineSpec Shell(string name, string script, PipelineInput input) =>
        EngineFixture.Shell(name, script, input) with { Image = Image, Executor = Fx.Executor.Name };
}
