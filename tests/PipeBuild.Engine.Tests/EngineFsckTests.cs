using System.Text;
using PipeBuild.Core.Pipelines;
using PipeBuild.Store;

namespace PipeBuild.Engine.Tests;

/// <summary>fsck of the engine's records: what the next job reuses, and what logs and results name, must exist.</summary>
public sealed class EngineFsckTests : IDisposable
{
    private const string Upper = "echo working; mkdir -p /pfs/out && for f in /pfs/in/*; do tr a-z A-Z < \"$f\" > /pfs/out/$(basename \"$f\"); done";
    private readonly EngineFixture fx = new();

    [Fact]
    public async Task A_healthy_store_checks_clean_with_every_job_and_result_counted()
    {
        await RunUpperAsync();

        var report = await new EngineFsck(fx.Store).RunAsync(default);

        Assert.Empty(report.Problems);
        Assert.Equal((1, 2), (report.Jobs, report.Results));
    }

    [Fact]
    public async Task A_missing_result_of_the_last_successful_job_is_named_with_its_datum()
    {
        await RunUpperAsync();
        var results = await fx.Store.Objects.ListAsync(EngineKeys.ResultsPrefix, default).ToListAsync();
        await fx.Store.Objects.DeleteAsync(results[0], default);

        var problem = Assert.Single((await new EngineFsck(fx.Store).RunAsync(default)).Problems);

        Assert.Contains("is missing from the results index", problem);
        Assert.Contains("run --force upper", problem);
    }

    [Fact]
    public async Task A_missing_output_or_log_object_is_named_with_what_names_it()
    {
        await RunUpperAsync();
        var output = await fx.Store.Content.WriteAsync(Encoding.UTF8.GetBytes("B"), default);
        var log = await fx.Store.Content.WriteAsync(Encoding.UTF8.GetBytes("working\n"), default);
        await fx.Store.Objects.DeleteAsync(StoreKeys.Object(output.Hash), default);
        await fx.Store.Objects.DeleteAsync(StoreKeys.Object(log.Hash), default);

        var problems = (await new EngineFsck(fx.Store).RunAsync(default)).Problems;

        Assert.Contains(problems, p => p.Contains("/b.txt") && p.Contains(output.Hash) && p.Contains("missing"));
        Assert.Contains(problems, p => p.Contains("names its log") && p.Contains(log.Hash));
        Assert.Contains(problems, p => p.Contains("names the log of datum") && p.Contains(log.Hash));
    }

    [Fact]
    public async Task A_pointer_to_an_unknown_job_and_an_unreadable_job_record_are_reported()
    {
        var job = await RunUpperAsync();
        await fx.Store.Objects.DeleteAsync(EngineKeys.LastSuccess("upper"), default);
        await fx.Store.Objects.PutIfAbsentAsync(EngineKeys.LastSuccess("upper"), Encoding.UTF8.GetBytes("no-such-job"), default);
        await fx.Store.Objects.PutIfAbsentAsync(EngineKeys.Job("upper", "broken"), Encoding.UTF8.GetBytes("{ not json"), default);

        var report = await new EngineFsck(fx.Store).RunAsync(default);

        Assert.Contains(report.Problems, p => p.Contains("last-success/upper names job 'no-such-job'"));
        Assert.Contains(report.Problems, p => p.Contains("jobs/upper/broken cannot be read"));
        Assert.Equal(1, report.Jobs);
        Assert.NotEqual("no-such-job", job.Id);
    }

    private async Task<JobInfo> RunUpperAsync()
    {
        await fx.PutAsync("in", new Dictionary<string, string> { ["a.txt"] = "a", ["b.txt"] = "b" });
        await fx.CreateAsync(EngineFixture.Shell("upper", Upper, new PfsInput("in", "/*")));
        var job = (await fx.Engine.RunAsync([], false, null, default)).Single();
        Assert.Equal(JobState.Success, job.State);
        return job;
    }

    public void Dispose() => fx.Dispose();
}
