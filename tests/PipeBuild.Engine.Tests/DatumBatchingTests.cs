using System.Text;
using PipeBuild.Core;
using PipeBuild.Core.Pipelines;
using PipeBuild.Store;

namespace PipeBuild.Engine.Tests;

/// <summary>
/// DatumBatching with the local executor: one transform process per worker reads a line per datum from stdin
/// and acknowledges each on $PIPE_DATUM_ACK; results, failures, logs and timeouts stay per datum.
/// </summary>
public sealed class DatumBatchingTests : IDisposable
{
    /// <summary>
    /// A batched sh loop: the datum's id is the line's first tab-separated field. BODY runs per datum with $id
    /// set; its exit status is the acknowledgement.
    /// </summary>
    private const string Loop = "tab=$(printf '\\t'); while IFS=\"$tab\" read -r id paths; do ( BODY ); echo $? >\"$PIPE_DATUM_ACK\"; done";

    private readonly EngineFixture fx = new();

    [Fact]
    public async Task A_batched_pipeline_writes_the_same_output_as_the_unbatched_one()
    {
        await fx.PutAsync("in", Files(12));
        const string upper = "for f in /pfs/in/*; do tr a-z A-Z <\"$f\" >/pfs/out/$(basename \"$f\"); done";
        await fx.CreateAsync(EngineFixture.Shell("plain", upper, new PfsInput("in", "/*")));
        await fx.CreateAsync(Batched("batched", upper));

        var plain = await fx.RunOneAsync("plain");
        var batched = await fx.RunOneAsync("batched");

        Assert.Equal((JobState.Success, 12), (plain.State, plain.DatumsProcessed));
        Assert.Equal((JobState.Success, 12), (batched.State, batched.DatumsProcessed));
        Assert.Equal("HELLO 7", (await fx.ReadAsync("batched"))["f07.txt"]);
        Assert.Equal(await TreeAsync("plain"), await TreeAsync("batched"));
    }

    [Fact]
    public async Task One_process_serves_every_datum_of_a_worker_and_each_datum_gets_its_own_line_and_log()
    {
        await fx.PutAsync("in", Files(20));
        // Each datum writes the id it read and the process's pid, and says its id on stdout (its log).
        await fx.CreateAsync(Batched("pids", "name=$(basename \"${paths#in=}\" .txt); echo \"$id $$\" >/pfs/out/$name; echo \"log of $id\""));

        var job = await fx.RunOneAsync("pids");

        Assert.Equal((JobState.Success, 20), (job.State, job.DatumsProcessed));
        var outputs = (await fx.ReadAsync("pids")).ToDictionary(o => o.Key, o => o.Value.Trim().Split(' '));
        var pids = outputs.Values.Select(o => o[1]).Distinct().ToList();
        Assert.InRange(pids.Count, 1, 2); // Parallelism 2: at most one process per worker, never one per datum
        foreach (var datum in await fx.Engine.Jobs.GetDatumsAsync(job, default))
        {
            var name = datum.Description.Replace("in:/", "", StringComparison.Ordinal).Replace(".txt", "", StringComparison.Ordinal);
            Assert.Equal(datum.Id, outputs[name][0]);
            Assert.Equal($"log of {datum.Id}\n", await LogAsync(datum.LogHash));
        }
    }

    [Fact]
    public async Task A_failing_datum_fails_alone_and_the_process_goes_on()
    {
        await fx.PutAsync("in", Files(6, bad: "f03.txt"));
        await fx.CreateAsync(Batched("fail", "if grep -q boom /pfs/in/*; then echo 'it went boom' >&2; exit 3; fi; cp /pfs/in/* /pfs/out/; echo $$ >/pfs/out/$(basename /pfs/in/*).pid") with { Parallelism = 1 });

        var job = await fx.RunOneAsync("fail");

        Assert.Equal((JobState.Failure, 5, 1), (job.State, job.DatumsProcessed, job.DatumsFailed));
        var failure = Assert.Single(job.Failures);
        Assert.Equal(("in:/f03.txt", "exit code 3"), (failure.Description, failure.Reason));
        Assert.Equal("it went boom\n", await LogAsync(failure.LogHash));

        // The same pipeline without the bad file: the failure did not end the process that served the others.
        await fx.PutAsync("in", new Dictionary<string, string> { ["f03.txt"] = "fine now" });
        var fixedJob = await fx.RunOneAsync("fail");
        Assert.Equal((JobState.Success, 1, 5), (fixedJob.State, fixedJob.DatumsProcessed, fixedJob.DatumsSkipped));
        Assert.Single((await fx.ReadAsync("fail")).Where(f => f.Key.EndsWith(".pid", StringComparison.Ordinal) && f.Key != "f03.txt.pid").Select(f => f.Value).Distinct());
    }

    [Fact]
    public async Task A_transform_that_dies_mid_batch_fails_that_datum_and_is_restarted_for_the_rest()
    {
        await fx.PutAsync("in", Files(6, bad: "f02.txt"));
        // The bad datum kills its process (an exit, not an acknowledgement); every datum notes which process ran it.
        var pids = Path.Combine(fx.Root, "pids");
        await fx.CreateAsync(Batched("die", $"echo \"$(basename /pfs/in/*) $$\" >>{pids}; if grep -q boom /pfs/in/*; then echo dying; kill -9 $$; fi") with { Parallelism = 1 });

        var job = await fx.RunOneAsync("die");

        Assert.Equal((JobState.Failure, 5, 1), (job.State, job.DatumsProcessed, job.DatumsFailed));
        var failure = Assert.Single(job.Failures);
        Assert.Equal(("in:/f02.txt", "the batched transform exited with code 137 before acknowledging the datum"), (failure.Description, failure.Reason));
        Assert.Equal("dying\n", await LogAsync(failure.LogHash));
        var ran = File.ReadAllLines(pids).Select(l => l.Split(' ')).ToDictionary(l => l[0], l => l[1]);
        Assert.Equal(ran["f01.txt"], ran["f02.txt"]);
        Assert.Single(ran.Where(r => r.Key is not ("f01.txt" or "f02.txt")).Select(r => r.Value).Distinct());
        Assert.NotEqual(ran["f01.txt"], ran["f03.txt"]); // a new process after the death
    }

    [Fact]
    public async Task A_transform_that_never_acknowledges_times_out()
    {
        await fx.PutAsync("in", Files(2));
        await fx.CreateAsync(EngineFixture.Shell("mute", "while read -r line; do echo \"got it\"; sleep 60; done", new PfsInput("in", "/*")) with
        {
            DatumBatching = true,
            DatumTimeout = TimeSpan.FromSeconds(1),
        });

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var job = await fx.RunOneAsync("mute");

        Assert.Equal((JobState.Failure, 2), (job.State, job.DatumsFailed));
        Assert.All(job.Failures, f => Assert.Equal("timed out after 1 s", f.Reason));
        Assert.Equal("got it\n", await LogAsync(job.Failures[0].LogHash));
        Assert.InRange(clock.Elapsed.TotalSeconds, 0.9, 30);
    }

    [Fact]
    public async Task Cancelling_a_batched_job_kills_its_processes()
    {
        await fx.PutAsync("in", Files(2));
        var pids = Path.Combine(fx.Root, "pids");
        await fx.CreateAsync(Batched("stuck", $"echo $$ >>{pids}; sleep 60"));
        using var cancel = new CancellationTokenSource();

        var run = fx.Engine.RunAsync(["stuck"], force: true, null, cancel.Token);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!File.Exists(pids) || File.ReadAllLines(pids).Length < 2)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), "the datums did not start");
            await Task.Delay(50);
        }

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        Assert.Equal(JobState.Killed, (await fx.Engine.Jobs.ListAsync("stuck", default)).Single().State);
        Assert.All(File.ReadAllLines(pids), pid => Assert.False(Directory.Exists($"/proc/{pid}"), $"process {pid} still runs"));
    }

    [Fact]
    public async Task Datums_of_a_union_see_only_their_own_input_and_nothing_left_by_the_datum_before()
    {
        await fx.PutAsync("a", new Dictionary<string, string> { ["a1.txt"] = "1", ["a2.txt"] = "2" });
        await fx.PutAsync("b", new Dictionary<string, string> { ["b1.txt"] = "3" });
        // Each datum lists what /pfs holds, then leaves litter in /pfs/out, its input folder and /pfs itself.
        var body = "name=$(cd \"$PIPE_PFS\" && ls -d a/* b/* 2>/dev/null | tr / _); list=$(cd \"$PIPE_PFS\" && find . | sort); echo \"$list\" >/pfs/out/$name; "
            + "mkdir -p /pfs/out/litter-$name/deep; touch /pfs/out/litter-$name/deep/x /pfs/tmp-litter /pfs/[ab]/more; chmod 500 /pfs/out/litter-$name";
        await fx.CreateAsync(Batched("seen", body, new UnionInput([new PfsInput("a", "/*"), new PfsInput("b", "/*")])) with { Parallelism = 1 });

        var job = await fx.RunOneAsync("seen");

        Assert.True(job.State == JobState.Success, job.Reason + string.Join("; ", job.Failures.Select(f => f.Reason)));
        var seen = await fx.ReadAsync("seen");
        Assert.Equal(3, seen.Count(f => !f.Key.StartsWith("litter", StringComparison.Ordinal)));
        Assert.Equal(".\n./a\n./a/a1.txt\n./out\n", seen["a_a1.txt"]);
        Assert.Equal(".\n./a\n./a/a2.txt\n./out\n", seen["a_a2.txt"]);
        Assert.Equal(".\n./b\n./b/b1.txt\n./out\n", seen["b_b1.txt"]);
    }

    public void Dispose() => fx.Dispose();

    private static PipelineSpec Batched(string name, string body, PipelineInput? input = null) =>
        EngineFixture.Shell(name, Loop.Replace("BODY", body, StringComparison.Ordinal), input ?? new PfsInput("in", "/*")) with { DatumBatching = true };

    private static Dictionary<string, string> Files(int count, string? bad = null) =>
        Enumerable.Range(1, count).ToDictionary(i => $"f{i:00}.txt", i => $"f{i:00}.txt" == bad ? "boom" : $"hello {i}");

    private async Task<string> TreeAsync(string repo) => (await fx.Store.ResolveAsync(CommitRef.Parse($"{repo}@master"), default)).Tree;

    private async Task<string> LogAsync(string? hash) =>
        hash is null ? "" : Encoding.UTF8.GetString(await fx.Store.Content.ReadAllAsync(new FileContent(EntryKind.File, hash, 0), default));
}
