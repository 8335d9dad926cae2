using PipeBuild.Core.Pipelines;
using PipeBuild.Executors.Local;

namespace PipeBuild.Engine.Tests;

/// <summary>
/// <see cref="IDatumExecutor.ResolveIdentityAsync"/>: what an executor adds to the transform identity (the docker
/// executor: the image's id) decides reuse like the spec does, and --no-reprocess still honours it.
/// </summary>
public sealed class ExecutorIdentityTests : IDisposable
{
    private readonly EnvironmentExecutor executor = new();
    private readonly EngineFixture fx;

    public ExecutorIdentityTests() => fx = new EngineFixture(executor);

    [Fact]
    public async Task A_changed_executor_identity_reruns_every_datum_and_an_unchanged_one_none()
    {
        await fx.PutAsync("in", new Dictionary<string, string> { ["a.txt"] = "a", ["b.txt"] = "b" });
        await fx.CreateAsync(EngineFixture.Shell("copy", "cp \"$in\" /pfs/out/", new PfsInput("in", "/*")));
        executor.Identity = "image sha256:1";

        Assert.Equal(2, (await fx.RunOneAsync("copy")).DatumsProcessed);
        Assert.Empty(await fx.Engine.RunAsync(["copy"], force: false, null, default));

        executor.Identity = "image sha256:2";
        var status = await fx.Engine.StatusAsync(await fx.Engine.Registry.GetAsync("copy", default), default);
        Assert.Equal(StalenessStep.Transform, status.Step);
        var rerun = Assert.Single(await fx.Engine.RunAsync(["copy"], force: false, null, default));
        Assert.Equal((2, 0), (rerun.DatumsProcessed, rerun.DatumsSkipped));

        executor.Identity = "image sha256:1"; // back to the first environment: its results are still stored
        var back = Assert.Single(await fx.Engine.RunAsync(["copy"], force: false, null, default));
        Assert.Equal((0, 2), (back.DatumsProcessed, back.DatumsSkipped));
    }

    [Fact]
    public async Task No_reprocess_keeps_results_only_while_the_executor_identity_is_the_same()
    {
        await fx.PutAsync("in", new Dictionary<string, string> { ["a.txt"] = "a" });
        var spec = EngineFixture.Shell("copy", "cp \"$in\" /pfs/out/", new PfsInput("in", "/*"));
        await fx.CreateAsync(spec);
        executor.Identity = "image sha256:1";
        await fx.RunOneAsync("copy");

        await fx.CreateAsync(spec with { Command = ["sh", "-c", "cp \"$in\" /pfs/out/; true"] }, Reprocess.None, update: true);
        Assert.Equal((0, 1), await CountsAsync());

        executor.Identity = "image sha256:2";
        Assert.Equal((1, 0), await CountsAsync());
    }

    public void Dispose() => fx.Dispose();

    private async Task<(int Processed, int Skipped)> CountsAsync()
    {
        var job = await fx.RunOneAsync("copy");
        return (job.DatumsProcessed, job.DatumsSkipped);
    }

    /// <summary>The local executor, in an environment whose identity the test sets (as an image tag would move).</summary>
    private sealed class EnvironmentExecutor : IDatumExecutor
    {
        private readonly LocalExecutor local = new();

        public string? Identity { get; set; }

        public string Name => "local";

        public Task<DatumOutcome> RunAsync(DatumWork work, CancellationToken cancellationToken) => local.RunAsync(work, cancellationToken);

        public ValueTask<string?> ResolveIdentityAsync(PipelineSpec spec, CancellationToken cancellationToken) => ValueTask.FromResult(Identity);

        public ValueTask DisposeAsync() => local.DisposeAsync();
    }
}
