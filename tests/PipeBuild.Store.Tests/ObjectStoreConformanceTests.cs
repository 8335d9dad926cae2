using System.Globalization;
using System.Text;

namespace PipeBuild.Store.Tests;

/// <summary>
/// What every <see cref="IObjectStore"/> must do, whatever holds the bytes. An implementation passes this suite
/// unchanged: subclass it and return a fresh, empty store from <see cref="CreateStoreAsync"/>.
/// </summary>
public abstract class ObjectStoreConformanceTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    /// <summary>A new store holding nothing, not shared with any other test.</summary>
    protected abstract Task<IObjectStore> CreateStoreAsync();

    [Fact]
    public async Task PutIfAbsentWritesOnceAndNeverReplaces()
    {
        await using var store = await CreateStoreAsync();
        const string key = "objects/ab/cdef";

        Assert.True(await store.PutIfAbsentAsync(key, Bytes("first"), None));
        Assert.False(await store.PutIfAbsentAsync(key, Bytes("second"), None));

        Assert.True(await store.ExistsAsync(key, None));
        Assert.Equal("first", Text(await store.TryReadAsync(key, None)));
    }

    [Fact]
    public async Task PutIfAbsentHasExactlyOneWinnerUnderConcurrency()
    {
        await using var store = await CreateStoreAsync();
        const string key = "objects/00/race";

        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(i =>
            Task.Run(async () => (Index: i, Won: await store.PutIfAbsentAsync(key, Bytes($"writer {i}"), None)))));

        var winner = Assert.Single(results, r => r.Won);
        Assert.Equal($"writer {winner.Index}", Text(await store.TryReadAsync(key, None)));
    }

    [Fact]
    public async Task ObjectsTooLargeForMemoryStreamInAndOut()
    {
        await using var store = await CreateStoreAsync();
        var data = new byte[20 * 1024 * 1024]; // above the S3 store's multipart threshold: uploaded in parts read as they go
        new Random(5).NextBytes(data);
        var key = StoreKeys.Object(Core.ContentHash.Of(data));

        Assert.True(await store.PutIfAbsentAsync(key, new MemoryStream(data, writable: false), None));
        Assert.False(await store.PutIfAbsentAsync(key, new MemoryStream(data, writable: false), None));
        Assert.True(await store.PutIfAbsentAsync("objects/04/small", new MemoryStream(Bytes("small")), None));

        await using (var read = await store.TryOpenReadAsync(key, None))
        {
            using var copy = new MemoryStream();
            await read!.CopyToAsync(copy, None);
            Assert.Equal(data, copy.ToArray());
        }

        Assert.Equal("small", Text(await store.TryReadAsync("objects/04/small", None)));
        Assert.Null(await store.TryOpenReadAsync("objects/05/missing", None));
    }

    [Fact]
    public async Task ContentIsStoredByteForByte()
    {
        await using var store = await CreateStoreAsync();
        var every = Enumerable.Range(0, 256).Select(b => (byte)b).ToArray();
        var large = new byte[3 * 1024 * 1024];
        new Random(11).NextBytes(large);

        await store.PutIfAbsentAsync("objects/01/every", every, None);
        await store.PutIfAbsentAsync("objects/02/large", large, None);
        await store.PutIfAbsentAsync("objects/03/empty", ReadOnlyMemory<byte>.Empty, None);

        Assert.Equal(every, await store.TryReadAsync("objects/01/every", None));
        Assert.Equal(large, await store.TryReadAsync("objects/02/large", None));
        var empty = await store.TryReadAsync("objects/03/empty", None);
        Assert.NotNull(empty); // an empty object exists: it is not the same as no object
        Assert.Empty(empty);
        Assert.True(await store.ExistsAsync("objects/03/empty", None));
    }

    [Fact]
    public async Task MissingKeysReadAsNothing()
    {
        await using var store = await CreateStoreAsync();

        Assert.Null(await store.TryReadAsync("objects/ff/missing", None));
        Assert.False(await store.ExistsAsync("objects/ff/missing", None));
        Assert.Null(await store.ReadDocumentAsync("docs/missing", None));
        Assert.Null(await store.GetLastModifiedAsync("docs/missing", None));
    }

    [Fact]
    public async Task CreatingADocumentWithNoVersionSucceedsOnlyOnce()
    {
        await using var store = await CreateStoreAsync();
        const string key = "docs/created";

        var written = await store.TryWriteDocumentAsync(key, Bytes("one"), null, None);
        Assert.Null(await store.TryWriteDocumentAsync(key, Bytes("two"), null, None));

        var document = await store.ReadDocumentAsync(key, None);
        Assert.NotNull(document);
        Assert.Equal("one", Text(document.Content));
        Assert.False(string.IsNullOrEmpty(document.Version));
        Assert.Equal(document.Version, written); // the write says which version it wrote
    }

    [Fact]
    public async Task ReplacingADocumentNeedsItsCurrentVersion()
    {
        await using var store = await CreateStoreAsync();
        const string key = "docs/replaced";
        await store.TryWriteDocumentAsync(key, Bytes("v1"), null, None);
        var v1 = (await store.ReadDocumentAsync(key, None))!.Version;

        var written = await store.TryWriteDocumentAsync(key, Bytes("v2"), v1, None);
        var v2 = (await store.ReadDocumentAsync(key, None))!.Version;
        Assert.Equal(v2, written);
        Assert.Null(await store.TryWriteDocumentAsync(key, Bytes("stale"), v1, None));

        var document = (await store.ReadDocumentAsync(key, None))!;
        Assert.NotEqual(v1, v2);
        Assert.Equal("v2", Text(document.Content));
        Assert.Equal(v2, document.Version);
        Assert.Equal("v2", Text(await store.TryReadAsync(key, None)));
    }

    [Fact]
    public async Task ADocumentThatDoesNotExistCannotBeReplaced()
    {
        await using var store = await CreateStoreAsync();
        await store.TryWriteDocumentAsync("docs/other", Bytes("x"), null, None);
        var someVersion = (await store.ReadDocumentAsync("docs/other", None))!.Version;

        Assert.Null(await store.TryWriteDocumentAsync("docs/absent", Bytes("x"), someVersion, None));

        Assert.Null(await store.ReadDocumentAsync("docs/absent", None));
    }

    [Fact]
    public async Task DeletingADocumentNeedsItsCurrentVersion()
    {
        await using var store = await CreateStoreAsync();
        const string key = "docs/deleted";
        await store.TryWriteDocumentAsync(key, Bytes("v1"), null, None);
        var stale = (await store.ReadDocumentAsync(key, None))!.Version;
        await store.TryWriteDocumentAsync(key, Bytes("v2"), stale, None);

        Assert.False(await store.TryDeleteDocumentAsync(key, stale, None));
        Assert.Equal("v2", Text((await store.ReadDocumentAsync(key, None))?.Content));

        var current = (await store.ReadDocumentAsync(key, None))!.Version;
        Assert.True(await store.TryDeleteDocumentAsync(key, current, None));
        Assert.Null(await store.ReadDocumentAsync(key, None));
        Assert.False(await store.TryDeleteDocumentAsync(key, current, None));

        // Gone means gone: it can be created afresh.
        Assert.NotNull(await store.TryWriteDocumentAsync(key, Bytes("v3"), null, None));
        Assert.Equal("v3", Text((await store.ReadDocumentAsync(key, None))?.Content));
    }

    [Fact]
    public async Task ListReturnsEveryKeyUnderAPrefixAndNothingElse()
    {
        await using var store = await CreateStoreAsync();
        string[] under = ["data/a", "data/b", "data/sub/c", "data/sub/deeper/d"];
        foreach (var key in under)
        {
            await store.PutIfAbsentAsync(key, Bytes(key), None);
        }

        await store.TryWriteDocumentAsync("data/doc", Bytes("document"), null, None);
        await store.PutIfAbsentAsync("database/x", Bytes("x"), None);
        await store.PutIfAbsentAsync("other/y", Bytes("y"), None);

        Assert.Equal(under.Append("data/doc").Order(StringComparer.Ordinal), (await ListAsync(store, "data/")).Order(StringComparer.Ordinal));
        Assert.Equal(["data/sub/c", "data/sub/deeper/d"], (await ListAsync(store, "data/sub/")).Order(StringComparer.Ordinal));
        Assert.Empty(await ListAsync(store, "nothing/"));
        Assert.Empty(await ListAsync(store, "data/a/"));
    }

    [Fact]
    public async Task DeletedEntriesAreNoLongerListed()
    {
        await using var store = await CreateStoreAsync();
        await store.PutIfAbsentAsync("gc/a", Bytes("a"), None);
        await store.PutIfAbsentAsync("gc/b", Bytes("b"), None);

        await store.DeleteAsync("gc/a", None);

        Assert.Equal(["gc/b"], await ListAsync(store, "gc/"));
        Assert.False(await store.ExistsAsync("gc/a", None));
        Assert.Null(await store.TryReadAsync("gc/a", None));
    }

    [Fact]
    public async Task DeletingAMissingKeyDoesNothing()
    {
        await using var store = await CreateStoreAsync();
        await store.PutIfAbsentAsync("keep/a", Bytes("a"), None);

        await store.DeleteAsync("keep/missing", None);
        await store.DeleteAsync("never/written/key", None);

        Assert.Equal(["keep/a"], await ListAsync(store, "keep/"));
    }

    [Fact]
    public async Task LastModifiedIsWhenTheEntryWasWritten()
    {
        await using var store = await CreateStoreAsync();
        var before = DateTimeOffset.UtcNow;

        await store.PutIfAbsentAsync("objects/aa/when", Bytes("now"), None);
        await store.TryWriteDocumentAsync("docs/when", Bytes("now"), null, None);

        var after = DateTimeOffset.UtcNow;
        foreach (var key in new[] { "objects/aa/when", "docs/when" })
        {
            var modified = await store.GetLastModifiedAsync(key, None);
            Assert.NotNull(modified);
            Assert.InRange(modified.Value, before.AddMinutes(-1), after.AddMinutes(1)); // clocks of a remote store may drift a little
        }
    }

    [Fact]
    public async Task ConcurrentCompareAndSwapLosesNoUpdate()
    {
        await using var store = await CreateStoreAsync();
        const string key = "docs/counter";
        const int Writers = 16;
        const int IncrementsEach = 4;
        await store.TryWriteDocumentAsync(key, Bytes("0"), null, None);
        var conflicts = 0;

        await Task.WhenAll(Enumerable.Range(0, Writers).Select(_ => Task.Run(async () =>
        {
            for (var done = 0; done < IncrementsEach;)
            {
                var document = (await store.ReadDocumentAsync(key, None))!;
                var next = Number(document.Content) + 1;
                if (await store.TryWriteDocumentAsync(key, Bytes(next.ToString(CultureInfo.InvariantCulture)), document.Version, None) is not null)
                {
                    done++;
                }
                else if (Interlocked.Increment(ref conflicts) > 100_000)
                {
                    Assert.Fail("compare-and-swap never succeeds");
                }
            }
        })));

        var final = (await store.ReadDocumentAsync(key, None))!;
        Assert.Equal(Writers * IncrementsEach, Number(final.Content));
    }

    [Fact]
    public async Task FlushSucceedsAndKeepsEverythingReadable()
    {
        await using var store = await CreateStoreAsync();
        await store.FlushAsync(None); // nothing written yet
        await store.PutIfAbsentAsync("objects/bb/flushed", Bytes("object"), None);
        await store.TryWriteDocumentAsync("docs/flushed", Bytes("document"), null, None);

        await store.FlushAsync(None);

        Assert.Equal("object", Text(await store.TryReadAsync("objects/bb/flushed", None)));
        Assert.Equal("document", Text((await store.ReadDocumentAsync("docs/flushed", None))?.Content));
    }

    [Fact]
    public async Task LocationIsDescribed()
    {
        await using var store = await CreateStoreAsync();

        Assert.False(string.IsNullOrWhiteSpace(store.Location));
    }

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private static string? Text(byte[]? data) => data is null ? null : Encoding.UTF8.GetString(data);

    private static int Number(byte[] data) => int.Parse(Encoding.UTF8.GetString(data), CultureInfo.InvariantCulture);

    private static async Task<List<string>> ListAsync(IObjectStore store, string prefix)
    {
        var keys = new List<string>();
        await foreach (var key in store.ListAsync(prefix, None))
        {
            keys.Add(key);
        }

        return keys;
    }
}
