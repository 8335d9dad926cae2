using PipeBuild.Core;
using PipeBuild.Core.Pipelines;
using PipeBuild.Executors.Local;
using PipeBuild.Store;
using PipeBuild.Testing;

namespace PipeBuild.Engine.Tests;

/// <summary>
/// Branch triggers (Pachyderm's <c>pfs.trigger</c>): commits to master move the input branch only when the trigger's
/// condition holds, so the pipeline processes them in batches. The cron condition runs on an injected clock: no sleeps.
/// </summary>
public sealed class BranchTriggerTests : IDisposable
{
    private readonly EngineFixture fx = new();
    private readonly ManualClock clock = new(DateTimeOffset.UtcNow);
    private readonly PipelineEngine engine;

    public BranchTriggerTests() => engine = new PipelineEngine(fx.Store, _ => new LocalExecutor(), Path.Combine(fx.Root, ".pipe", "tmp")) { Time = clock };

    [Fact]
    public async Task With_commits_3_the_third_commit_moves_staging_and_one_job_reads_all_three()
    {
        await fx.PutAsync("data", new Dictionary<string, string> { ["a.txt"] = "a" });
        await CreateAsync(new BranchTrigger("master") { Commits = 3 });
        await fx.PutAsync("data", new Dictionary<string, string> { ["b.txt"] = "b" });
        Assert.Null(await HeadAsync("staging")); // two commits since: not yet
        Assert.Empty(await engine.RunAsync([], force: false, null, default));

        var third = await fx.PutAsync("data", new Dictionary<string, string> { ["c.txt"] = "c" });

        Assert.Equal(third.Id, await HeadAsync("staging"));
        var job = Assert.Single(await engine.RunAsync([], force: false, null, default));
        Assert.Equal((JobState.Success, 3), (job.State, job.DatumsProcessed));
        Assert.Equal(["a.txt", "b.txt", "c.txt"], (await fx.ReadAsync("batched")).Keys.Order(StringComparer.Ordinal));

        await fx.PutAsync("data", new Dictionary<string, string> { ["d.txt"] = "d" });
        Assert.Equal(third.Id, await HeadAsync("staging")); // counting starts again from the new head
    }

    [Fact]
    public async Task With_a_size_staging_moves_once_that_many_bytes_were_added()
    {
        await fx.Store.CreateRepoAsync("data", null, default);
        await fx.Store.SetTriggerAsync("data", "staging", new BranchTrigger("master") { Size = "1K" }, default);

        await fx.PutAsync("data", new Dictionary<string, string> { ["a.txt"] = new('a', 600) });
        Assert.Null(await HeadAsync("staging"));
        var second = await fx.PutAsync("data", new Dictionary<string, string> { ["b.txt"] = new('b', 600) });
        Assert.Equal(second.Id, await HeadAsync("staging")); // 1,200 bytes >= 1K (1,000)

        await fx.PutAsync("data", new Dictionary<string, string> { ["c.txt"] = new('c', 999) });
        Assert.Equal(second.Id, await HeadAsync("staging"));
    }

    [Theory]
    [InlineData(false, true)] // any one condition: two commits suffice
    [InlineData(true, false)] // all: two commits, but not 1K
    public async Task All_needs_every_condition_otherwise_any_one_suffices(bool all, bool moved)
    {
        await fx.Store.CreateRepoAsync("data", null, default);
        await fx.Store.SetTriggerAsync("data", "staging", new BranchTrigger("master") { Size = "1K", Commits = 2, All = all }, default);
        await fx.PutAsync("data", new Dictionary<string, string> { ["a.txt"] = "a" });
        var second = await fx.PutAsync("data", new Dictionary<string, string> { ["b.txt"] = "b" });

        Assert.Equal(moved ? second.Id : null, await HeadAsync("staging"));

        var big = await fx.PutAsync("data", new Dictionary<string, string> { ["c.txt"] = new('c', 1000) });
        Assert.Equal(big.Id, await HeadAsync("staging")); // any: 1K since the second; all: three commits and 1K since none
    }

    [Fact]
    public async Task A_cron_trigger_moves_staging_when_a_tick_has_passed_which_run_checks_on_its_clock()
    {
        await fx.PutAsync("data", new Dictionary<string, string> { ["a.txt"] = "a" });
        await CreateAsync(new BranchTrigger("master") { Cron = "@every 1h" });
        var first = await HeadAsync("master");
        Assert.Equal(first, await HeadAsync("staging")); // no head yet: the first commit goes through, as in Pachyderm
        Assert.Single(await engine.RunAsync([], force: false, null, default));

        await fx.PutAsync("data", new Dictionary<string, string> { ["b.txt"] = "b" });
        Assert.Equal(first, await HeadAsync("staging")); // within the hour
        Assert.Empty(await engine.RunAsync([], force: false, null, default));

        clock.Now = clock.Now.AddHours(2); // no commit since: status says the tick has passed, and run moves staging
        var status = Assert.Single(await engine.StatusAsync(default));
        Assert.Equal(StalenessStep.InputCommits, status.Step);
        Assert.StartsWith("input data@staging is due to move to ", status.Reason, StringComparison.Ordinal);
        Assert.EndsWith("(trigger: master on Cron(@every 1h))", status.Reason, StringComparison.Ordinal);
        Assert.Equal(first, await HeadAsync("staging"));
        var job = Assert.Single(await engine.RunAsync([], force: false, null, default));
        Assert.Equal(await HeadAsync("master"), await HeadAsync("staging"));
        Assert.Equal(1, job.DatumsProcessed);
        Assert.Equal(StalenessStep.UpToDate, Assert.Single(await engine.StatusAsync(default)).Step);
    }

    [Fact]
    public async Task A_commit_finish_moves_staging_not_each_write_into_the_open_commit()
    {
        await fx.Store.CreateRepoAsync("data", null, default);
        await fx.Store.SetTriggerAsync("data", "staging", new BranchTrigger("master") { Commits = 1 }, default);
        await fx.Store.StartCommitAsync("data", "master", null, default);
        await fx.PutAsync("data", new Dictionary<string, string> { ["a.txt"] = "a" });
        Assert.Null(await HeadAsync("staging"));

        var finished = await fx.Store.FinishCommitAsync(CommitRef.Parse("data@master"), null, default);

        Assert.Equal(finished.Id, await HeadAsync("staging"));
    }

    [Fact]
    public async Task Triggers_chain_and_a_ring_is_refused()
    {
        await fx.Store.CreateRepoAsync("data", null, default);
        await fx.Store.SetTriggerAsync("data", "staging", new BranchTrigger("master") { Commits = 1 }, default);
        await fx.Store.SetTriggerAsync("data", "nightly", new BranchTrigger("staging") { Commits = 1 }, default);
        var commit = await fx.PutAsync("data", new Dictionary<string, string> { ["a.txt"] = "a" });
        Assert.Equal(commit.Id, await HeadAsync("nightly"));

        var ring = await Assert.ThrowsAsync<PipeException>(() => fx.Store.SetTriggerAsync("data", "master", new BranchTrigger("nightly") { Commits = 1 }, default));
        Assert.Equal(ErrorCodes.InvalidArguments, ring.Code);
        Assert.Null(await fx.Store.GetTriggerAsync("data", "master", default));
    }

    [Fact]
    public async Task Deleting_a_branch_removes_its_trigger()
    {
        await fx.Store.CreateRepoAsync("data", null, default);
        await fx.Store.SetTriggerAsync("data", "staging", new BranchTrigger("master") { Commits = 2 }, default);
        await fx.Store.DeleteBranchAsync("data", "staging", default);

        Assert.Null(await fx.Store.GetTriggerAsync("data", "staging", default));
        await fx.PutAsync("data", new Dictionary<string, string> { ["a.txt"] = "a" });
        Assert.Null(await fx.Store.TryGetBranchAsync("data", "staging", default));
    }

    public void Dispose() => fx.Dispose();

    private async Task<string?> HeadAsync(string branch) => (await fx.Store.TryGetBranchAsync("data", branch, default))?.Head;

    private Task CreateAsync(BranchTrigger trigger) =>
        fx.CreateAsync(EngineFixture.Shell("batched", "for f in /pfs/data/*; do cp \"$f\" /pfs/out/; done", new PfsInput("data", "/*", "staging") { Trigger = trigger }));

    private sealed class ManualClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
