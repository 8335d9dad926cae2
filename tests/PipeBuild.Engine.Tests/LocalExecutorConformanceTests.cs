using PipeBuild.Executors.Local;

namespace PipeBuild.Engine.Tests;

/// <summary>The local executor passes the conformance suite every executor does.</summary>
public sealed class LocalExecutorConformanceTests : ExecutorConformanceTests
{
    protected override IDatumExecutor CreateExecutor(EngineFixture fixture) => new LocalExecutor();
}
