using PipeBuild.Store.Local;

namespace PipeBuild.Store.Tests;

/// <summary>The conformance suite on <see cref="LocalObjectStore"/>, each test with its own temp folder.</summary>
public sealed class LocalObjectStoreConformanceTests : ObjectStoreConformanceTests, IDisposable
{
    private readonly TempDirectory temp = new();

    protected override Task<IObjectStore> CreateStoreAsync() =>
        Task.FromResult<IObjectStore>(new LocalObjectStore(temp.Combine("store-" + Guid.NewGuid().ToString("N"))));

    public void Dispose() => temp.Dispose();
}
