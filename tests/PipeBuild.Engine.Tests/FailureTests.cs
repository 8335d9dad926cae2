using PipeBuild.Core;
using PipeBuild.Core.Pipelines;

namespace PipeBuild.Engine.Tests;

/// <summary>Failing, hanging and misbehaving transforms: a failed job with logs, and the previous output kept.</summary>
public sealed class FailureTests : IDisposable
{
    private readonly EngineFixture fx = new();

    [Fact]
    public async Task A_failing_datum_is_retried_then_fails_the_job_and_keeps_the_previous_output()
    {
        await fx.PutAsync("in", new Dictionary<string, string> { ["good.txt"] = "ok", ["bad.txt"] = "ok" });
        var script = "cp /pfs/in/* /pfs/out/; echo tried >> /tmp/pipe-tries-$PIPE_JOB_ID; if grep -q boom /pfs/in/*; then echo 'it went boom' >&2; exit 3; fi";
        await fx.CreateAsync(EngineFixture.Shell("copy", script, new PfsInput("in", "/*")) with { DatumTries = 3 });
        var good = await fx.RunOneAsync("copy");
        Assert.Equal(JobState.Success, good.State);
        var before = await fx.Store.ResolveAsync(CommitRef.Parse("copy@master"), default);

        await fx.PutAsync("in", new Dictionary<string, string> { ["bad.txt"] = "boom" });
        var failed = (await fx.Engine.RunAsync([], false, null, default)).Single();
        Assert.Equal((JobState.Failure, 1, 1), (failed.State, failed.DatumsFailed, failed.DatumsSkipped));
        Assert.Equal(3, File.ReadAllLines($"/tmp/pipe-tries-{failed.Id}").Length);
        File.Delete($"/tmp/pipe-tries-{failed.Id}");
        var failure = Assert.Single(failed.Failures);
        Assert.Equal("exit code 3", failure.Reason);
        var log = System.Text.Encoding.UTF8.GetString(await fx.Store.Content.ReadAllAsync(new PipeBuild.Store.FileContent(PipeBuild.Store.EntryKind.File, failure.LogHash!, 0), default));
        Assert.Contains("it went boom", log);
        Assert.Equal(before.Id, (await fx.Store.ResolveAsync(CommitRef.Parse("copy@master"), default)).Id);
    }

    [Fact]
    public async Task Two_datums_writing_one_path_fail_the_job_naming_both()
    {
        await fx.PutAsync("in", new Dictionary<string, string> { ["a.txt"] = "a", ["b.txt"] = "b" });
        await fx.CreateAsync(EngineFixture.Shell("clash", "echo x > /pfs/out/same.txt", new PfsInput("in", "/*")));
        var job = await fx.RunOneAsync("clash");
        Assert.Equal(JobState.Failure, job.State);
        Assert.Contains("PIPE4005", job.Reason);
        Assert.Contains("in:/a.txt", job.Reason);
        Assert.Contains("in:/b.txt", job.Reason);
    }

    [Theory]
    [InlineData(65536)]
    [InlineData(0)]
    public async Task A_job_writes_its_output_from_results_it_kept_or_reads_back_and_still_names_both_datums_of_a_collision(int keptResults)
    {
        // With no result kept in memory, every output is read back from the results index as the output is written.
        await fx.PutAsync("in", Enumerable.Range(0, 9).ToDictionary(i => $"{i}.txt", i => $"text {i}"));
        await fx.CreateAsync(EngineFixture.Shell("copy", "cp /pfs/in/* /pfs/out/", new PfsInput("in", "/*")));
        await fx.CreateAsync(EngineFixture.Shell("clash", "echo x > /pfs/out/same.txt", new PfsInput("in", "/*")));
        var runner = new JobRunner(fx.Store, fx.Executor, Path.Combine(fx.Root, "scratch")) { KeptResults = keptResults };

        var copy = await runner.RunAsync(await fx.Engine.Registry.GetAsync("copy", default), null, default);
        var clash = await runner.RunAsync(await fx.Engine.Registry.GetAsync("clash", default), null, default);

        Assert.Equal((JobState.Success, 9), (copy.State, copy.DatumsProcessed));
        Assert.Equal(Enumerable.Range(0, 9).ToDictionary(i => $"{i}.txt", i => $"text {i}"), await fx.ReadAsync("copy"));
        Assert.Equal(JobState.Failure, clash.State);
        Assert.Contains("PIPE4005", clash.Reason);
        Assert.Contains("in:/0.txt", clash.Reason);
        Assert.Contains("in:/1.txt", clash.Reason);
    }

    [Fact]
    public async Task A_hanging_transform_times_out_and_an_escaping_symlink_fails_the_datum()
    {
        await fx.PutAsync("in", new Dictionary<string, string> { ["a.txt"] = "a" });
        await fx.CreateAsync(EngineFixture.Shell("hang", "sleep 30", new PfsInput("in", "/*")) with { DatumTimeout = TimeSpan.FromSeconds(1) });
        var hung = await fx.RunOneAsync("hang");
        Assert.Equal("timed out after 1 s", Assert.Single(hung.Failures).Reason);

        await fx.CreateAsync(EngineFixture.Shell("escape", "ln -s /etc/passwd /pfs/out/passwd", new PfsInput("in", "/*")));
        var escaped = await fx.RunOneAsync("escape");
        Assert.Contains("outside /pfs", Assert.Single(escaped.Failures).Reason);
    }

    [Fact]
    public async Task A_job_that_outlives_its_job_timeout_is_killed_naming_it_and_keeps_the_previous_output()
    {
        await fx.PutAsync("in", new Dictionary<string, string> { ["a.txt"] = "a" });
        await fx.CreateAsync(EngineFixture.Shell("slow", "cp /pfs/in/* /pfs/out/", new PfsInput("in", "/*")));
        Assert.Equal(JobState.Success, (await fx.RunOneAsync("slow")).State);
        var before = await fx.Store.ResolveAsync(CommitRef.Parse("slow@master"), default);

        // The datum would sleep a minute; the job may run a second and a half.
        await fx.CreateAsync(EngineFixture.Shell("slow", "sleep 60; cp /pfs/in/* /pfs/out/", new PfsInput("in", "/*")) with { JobTimeout = TimeSpan.FromSeconds(1.5) }, update: true);
        await fx.PutAsync("in", new Dictionary<string, string> { ["b.txt"] = "b" });
        var job = await fx.RunOneAsync("slow");

        Assert.Equal(JobState.Killed, job.State);
        Assert.Equal("the job timeout (1.5s) was reached; the previous output is unchanged", job.Reason);
        Assert.Equal(JobState.Killed, (await fx.Engine.Jobs.GetAsync(job.Id, default)).State);
        Assert.Equal(before.Id, (await fx.Store.ResolveAsync(CommitRef.Parse("slow@master"), default)).Id);
    }

    [Fact]
    public async Task A_job_timeout_is_not_part_of_the_transform_identity_so_setting_it_reruns_nothing()
    {
        await fx.PutAsync("in", new Dictionary<string, string> { ["a.txt"] = "a", ["b.txt"] = "b" });
        var spec = EngineFixture.Shell("copy", "cp /pfs/in/* /pfs/out/", new PfsInput("in", "/*"));
        await fx.CreateAsync(spec);
        var first = await fx.RunOneAsync("copy");
        Assert.Equal((JobState.Success, 2), (first.State, first.DatumsProcessed));

        await fx.CreateAsync(spec with { JobTimeout = TimeSpan.FromHours(1) }, update: true);
        var second = await fx.RunOneAsync("copy");

        Assert.Equal(TransformIdentity.Compute(spec), TransformIdentity.Compute(spec with { JobTimeout = TimeSpan.FromHours(1) }));
        Assert.Equal((JobState.Success, 0, 2), (second.State, second.DatumsProcessed, second.DatumsSkipped));
        Assert.Equal(first.TransformHash, second.TransformHash);
    }

    [Fact]
    public async Task Cycles_and_missing_inputs_are_refused()
    {
        await fx.PutAsync("in", new Dictionary<string, string> { ["a.txt"] = "a" });
        await fx.CreateAsync(EngineFixture.Shell("p1", "true", new PfsInput("in", "/*")));
        await fx.CreateAsync(EngineFixture.Shell("p2", "true", new PfsInput("p1", "/*")));
        var cycle = await Assert.ThrowsAsync<PipeException>(() => fx.CreateAsync(EngineFixture.Shell("p1", "true", new PfsInput("p2", "/*")), update: true));
        Assert.Equal(ErrorCodes.PipelineCycle, cycle.Code);
        var missing = await Assert.ThrowsAsync<PipeException>(() => fx.CreateAsync(EngineFixture.Shell("p3", "true", new PfsInput("nope", "/*"))));
        Assert.Equal(ErrorCodes.InputRepoMissing, missing.Code);
        var duplicate = await Assert.ThrowsAsync<PipeException>(() => fx.CreateAsync(EngineFixture.Shell("p1", "true", new PfsInput("in", "/*"))));
        Assert.Equal(ErrorCodes.PipelineExists, duplicate.Code);
    }

    public void Dispose() => fx.Dispose();
}
