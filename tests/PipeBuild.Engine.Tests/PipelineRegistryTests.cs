using PipeBuild.Core;
using PipeBuild.Core.Pipelines;
using PipeBuild.Store;
using PipeBuild.Store.Local;

namespace PipeBuild.Engine.Tests;

/// <summary>Pipelines registered together (the specs of one file): all of them, or none.</summary>
public sealed class PipelineRegistryTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("pipe-registry-").FullName;

    [Fact]
    public async Task Specs_saved_together_are_undone_when_another_writer_registers_one_of_them_first()
    {
        var local = new LocalObjectStore(root);
        var rival = new PipelineRegistry(new VersionStore(local));
        var theirs = EngineFixture.Shell("b", "cp /pfs/in/* /pfs/out/", new PfsInput("in", "/*"));
        // The rival registers 'b' just before this registry writes it, as another process would.
        var racing = new RacingObjectStore(local, EngineKeys.Pipeline("b"), () => rival.SaveAsync(theirs, update: false, Reprocess.None, default));
        var store = new VersionStore(racing);
        await store.CreateRepoAsync("in", null, default);
        var registry = new PipelineRegistry(store);

        var e = await Assert.ThrowsAsync<PipeException>(() => registry.SaveAllAsync(
            [EngineFixture.Shell("a", "true", new PfsInput("in", "/*")), EngineFixture.Shell("b", "true", new PfsInput("a", "/*"))], update: false, Reprocess.None, default));

        Assert.Equal(ErrorCodes.Contention, e.Code);
        var left = Assert.Single(await registry.ListAsync(default));
        Assert.Equal(("b", theirs.Command[^1]), (left.Name, left.Spec.Command[^1]));
        Assert.Equal(["b", "in"], (await store.ListReposAsync(default)).Select(r => r.Name).Order(StringComparer.Ordinal));
    }

    public void Dispose() => Directory.Delete(root, recursive: true);

    /// <summary>Runs <paramref name="rival"/> once, before the first write of the document <paramref name="raced"/>.</summary>
    private sealed class RacingObjectStore(IObjectStore inner, string raced, Func<Task> rival) : IObjectStore
    {
        private Func<Task>? pending = rival;

        public string Location => inner.Location;

        public async Task<string?> TryWriteDocumentAsync(string documentKey, ReadOnlyMemory<byte> content, string? expectedVersion, CancellationToken cancellationToken)
        {
            if (documentKey == raced && Interlocked.Exchange(ref pending, null) is { } run)
            {
                await run();
            }

            return await inner.TryWriteDocumentAsync(documentKey, content, expectedVersion, cancellationToken);
        }

        public Task<bool> ExistsAsync(string key, CancellationToken cancellationToken) => inner.ExistsAsync(key, cancellationToken);

        public Task<byte[]?> TryReadAsync(string key, CancellationToken cancellationToken) => inner.TryReadAsync(key, cancellationToken);

        public Task<bool> PutIfAbsentAsync(string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken) => inner.PutIfAbsentAsync(key, content, cancellationToken);

        public Task<bool> PutIfAbsentAsync(string key, Stream content, CancellationToken cancellationToken) => inner.PutIfAbsentAsync(key, content, cancellationToken);

        public Task<Stream?> TryOpenReadAsync(string key, CancellationToken cancellationToken) => inner.TryOpenReadAsync(key, cancellationToken);

        public Task<StoredDocument?> ReadDocumentAsync(string key, CancellationToken cancellationToken) => inner.ReadDocumentAsync(key, cancellationToken);

        public Task<bool> TryDeleteDocumentAsync(string key, string expectedVersion, CancellationToken cancellationToken) => inner.TryDeleteDocumentAsync(key, expectedVersion, cancellationToken);

        public IAsyncEnumerable<string> ListAsync(string prefix, CancellationToken cancellationToken) => inner.ListAsync(prefix, cancellationToken);

        public Task<DateTimeOffset?> GetLastModifiedAsync(string key, CancellationToken cancellationToken) => inner.GetLastModifiedAsync(key, cancellationToken);

        public Task DeleteAsync(string key, CancellationToken cancellationToken) => inner.DeleteAsync(key, cancellationToken);

        public Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
