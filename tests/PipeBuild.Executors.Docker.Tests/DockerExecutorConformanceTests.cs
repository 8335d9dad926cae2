using PipeBuild.Engine;

namespace PipeBuild.Executors.Docker.Tests;

/// <summary>
/// The docker executor passes the suite every executor does, in containers of the busybox test image; while a
/// datum runs its worker's container carries the job's labels, and after a timeout or a cancel none is left.
/// </summary>
public sealed class DockerExecutorConformanceTests : ExecutorConformanceTests
{
    protected override string? Image => TestEngine.Busybox;

    protected override IDatumExecutor CreateExecutor(EngineFixture fixture) => new DockerExecutor();

    protected override void RequireComponents() => TestEngine.Require();

    protected override async Task OnDatumRunningAsync(string pipeline)
    {
        var container = Assert.Single(await TestEngine.ContainersAsync("pipebuild.pipeline", pipeline));
        Assert.Equal("running", container.State);
        Assert.Equal(32, container.Labels["pipebuild.job"].Length); // a worker's container: it serves the job's datums
    }

    protected override async Task AssertNothingLeftRunningAsync(string pipeline) =>
        Assert.Empty(await TestEngine.ContainersAsync("pipebuild.pipeline", pipeline));
}
