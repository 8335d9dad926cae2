using PipeBuild.Core.Pipelines;
using PipeBuild.Engine;
using PipeBuild.Executors.Local;
using PipeBuild.Store;
using PipeBuild.Testing;

namespace PipeBuild.Engine.Tests;

/// <summary>A job stopped while it copies its output to its egress: its record says the commit is published and how to copy it.</summary>
public sealed class EgressJobTests : IDisposable
{
    private readonly EngineFixture fx = new();

    [Fact]
    public async Task A_job_killed_while_it_copies_its_output_says_its_commit_is_published()
    {
        var copying = new TaskCompletionSource();
        var engine = new PipelineEngine(fx.Store, _ => new LocalExecutor(), Path.Combine(fx.Root, ".pipe", "tmp")) { EgressTargets = _ => new Stuck(copying) };
        await fx.PutAsync("data", new Dictionary<string, string> { ["a.txt"] = "a" });
        await engine.Registry.SaveAsync(EngineFixture.Shell("copy", "cp /pfs/data/* /pfs/out/", new PfsInput("data", "/*")) with { Egress = EgressUrl.Parse("file:///srv/nowhere") }, false, Reprocess.Changed, default);

        var run = engine.RunAsync(["copy"], force: false, null, default);
        await copying.Task.WaitAsync(TimeSpan.FromMinutes(2));
        var running = Assert.Single(await engine.Jobs.ListAsync(null, default));
        await engine.Jobs.KillAsync(running.Id, "a test", default);
        var job = Assert.Single(await run);

        Assert.Equal(JobState.Killed, job.State);
        Assert.Contains("is published, but copying it to file:///srv/nowhere was cut short", job.Reason, StringComparison.Ordinal);
        Assert.Equal((await fx.Store.TryGetBranchAsync("copy", "master", default))!.Head, job.OutputCommit);
        Assert.Equal(job.Reason, (await engine.Jobs.GetAsync(job.Id, default))!.Reason);
    }

    public void Dispose() => fx.Dispose();

    /// <summary>A target that never finishes a file: the job is inside its egress until it is stopped.</summary>
    private sealed class Stuck(TaskCompletionSource copying) : IEgressTarget
    {
        public string Location => "a target that never answers";

        public async Task PutAsync(string path, Stream content, long length, CancellationToken cancellationToken)
        {
            copying.TrySetResult();
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        public Task DeleteAsync(string path, CancellationToken cancellationToken) => Task.CompletedTask;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
