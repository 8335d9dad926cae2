using PipeBuild.Core.Pipelines;
using PipeBuild.Engine;
using PipeBuild.Executors.Local;
using PipeBuild.Testing;

namespace PipeBuild.Engine.Tests;

/// <summary>
/// Cron inputs (Pachyderm's <c>input.cron</c>): a run commits the ticks due since the newest tick file, a file per
/// tick (or one, overwritten), and catches up the ticks missed while nothing ran. The clock is injected: no sleeps.
/// </summary>
public sealed class CronInputTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly EngineFixture fx = new();
    private readonly ManualClock clock = new(T0);
    private readonly PipelineEngine engine;

    public CronInputTests() => engine = new PipelineEngine(fx.Store, _ => new LocalExecutor(), Path.Combine(fx.Root, ".pipe", "tmp")) { Time = clock };

    [Fact]
    public async Task Each_run_commits_the_ticks_due_a_file_each_and_catches_up_those_missed()
    {
        await CreateAsync(new CronSchedule("@every 1h") { Start = T0 });

        clock.Now = T0.AddMinutes(30);
        Assert.Equal(StalenessStep.Waiting, (await engine.StatusAsync(default)).Single().Step);
        Assert.Empty(await engine.RunAsync([], force: false, null, default));

        clock.Now = T0.AddHours(3.5); // three ticks missed while nothing ran
        var status = (await engine.StatusAsync(default)).Single();
        Assert.Equal((StalenessStep.InputCommits, "cron input tick has 3 tick(s) due, the newest 2026-01-01T03:00:00Z"), (status.Step, status.Reason));
        var first = Assert.Single(await engine.RunAsync([], force: false, null, default));
        Assert.Equal((JobState.Success, 3, 0), (first.State, first.DatumsProcessed, first.DatumsSkipped));
        Assert.Equal(["2026-01-01T01:00:00Z", "2026-01-01T02:00:00Z", "2026-01-01T03:00:00Z"], (await fx.ReadAsync("ticks")).Keys.Order(StringComparer.Ordinal));
        Assert.Equal(3, (await fx.ReadAsync("clocked")).Count);

        clock.Now = T0.AddHours(4);
        var second = Assert.Single(await engine.RunAsync([], force: false, null, default));
        Assert.Equal((1, 3), (second.DatumsProcessed, second.DatumsSkipped)); // one new datum: the new tick
        Assert.Empty(await engine.RunAsync([], force: false, null, default)); // nothing more due
        Assert.Equal(StalenessStep.UpToDate, (await engine.StatusAsync(default)).Single().Step);
    }

    [Fact]
    public async Task Overwrite_keeps_one_file_the_newest_tick()
    {
        await CreateAsync(new CronSchedule("@every 1h") { Start = T0, Overwrite = true });

        clock.Now = T0.AddHours(3.5);
        await engine.RunAsync([], force: false, null, default);
        Assert.Equal(["2026-01-01T03:00:00Z"], (await fx.ReadAsync("ticks")).Keys);

        clock.Now = T0.AddHours(5);
        var job = Assert.Single(await engine.RunAsync([], force: false, null, default));
        Assert.Equal(["2026-01-01T05:00:00Z"], (await fx.ReadAsync("ticks")).Keys);
        Assert.Equal(["2026-01-01T05:00:00Z.done"], (await fx.ReadAsync("clocked")).Keys);
        Assert.Equal(1, job.DatumsProcessed);
    }

    [Fact]
    public async Task A_cron_expression_ticks_on_its_schedule_in_utc()
    {
        await CreateAsync(new CronSchedule("0 */2 * * *") { Start = T0 });

        clock.Now = T0.AddHours(5);
        await engine.RunAsync([], force: false, null, default);

        Assert.Equal(["2026-01-01T02:00:00Z", "2026-01-01T04:00:00Z"], (await fx.ReadAsync("ticks")).Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Without_a_start_ticking_starts_when_the_pipeline_was_created()
    {
        await CreateAsync(new CronSchedule("@every 1h"));
        var created = (await fx.Store.GetRepoAsync("ticks", default)).Created;

        clock.Now = created.AddHours(2.5);
        await engine.RunAsync([], force: false, null, default);

        Assert.Equal(
            [CronSchedule.FileName(created.AddHours(1)), CronSchedule.FileName(created.AddHours(2))],
            (await fx.ReadAsync("ticks")).Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_catch_up_commits_at_most_the_newest_thousand_ticks()
    {
        await CreateAsync(new CronSchedule("@every 1s") { Start = T0 });

        clock.Now = T0.AddHours(1);
        await new CronTicks(fx.Store, clock).CommitDueAsync((await engine.Registry.GetAsync("clocked", default)).Spec, default);

        var ticks = (await fx.ReadAsync("ticks")).Keys.Order(StringComparer.Ordinal).ToList();
        Assert.Equal(CronTicks.MaxCatchUp, ticks.Count);
        Assert.Equal("2026-01-01T01:00:00Z", ticks[^1]);
    }

    [Fact]
    public async Task A_cron_input_may_not_tick_into_a_registered_pipelines_output()
    {
        await fx.PutAsync("data", new Dictionary<string, string> { ["a.txt"] = "a" });
        await fx.CreateAsync(EngineFixture.Shell("a", "cp /pfs/data/* /pfs/out/", new PfsInput("data", "/*")));

        var error = await Assert.ThrowsAsync<Core.PipeException>(() => fx.CreateAsync(EngineFixture.Shell("b", "true", new PfsInput("a", "/*", Name: "tick") { Cron = new CronSchedule("@hourly") })));

        Assert.Equal(Core.ErrorCodes.PipelineCycle, error.Code);
        Assert.Contains("is the output of pipeline 'a'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_status_of_a_cron_pipeline_not_registered_yet_is_waiting_not_an_error()
    {
        var spec = EngineFixture.Shell("later", "true", new PfsInput("later_tick", "/*", Name: "tick") { Cron = new CronSchedule("@every 1h") });

        var status = Assert.Single(await engine.StatusAsync([await engine.Registry.PreviewAsync(spec, Reprocess.Changed, default)], default));

        Assert.Equal(StalenessStep.Waiting, status.Step);
    }

    public void Dispose() => fx.Dispose();

    private Task CreateAsync(CronSchedule schedule) =>
        fx.CreateAsync(EngineFixture.Shell("clocked", "for f in /pfs/tick/*; do touch \"/pfs/out/${f##*/}.done\"; done", new PfsInput("ticks", "/*", Name: "tick") { Cron = schedule }));

    private sealed class ManualClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
