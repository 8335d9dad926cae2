using System.Text;
using PipeBuild.Core;

namespace PipeBuild.Store.Tests;

public sealed class ContentStoreTests : IDisposable
{
    private const int MiB = 1024 * 1024;
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly TestStore t = new();

    private ContentStore Content => t.Content;

    [Fact]
    public async Task SmallContentIsOneObjectNamedByItsHash()
    {
        var data = Encoding.UTF8.GetBytes("hello, store");

        var stored = await Content.WriteAsync(data, None);

        Assert.Equal(new FileContent(EntryKind.File, ContentHash.Of(data), data.Length), stored);
        Assert.Equal(data, File.ReadAllBytes(t.ObjectFile(stored.Hash)));
        Assert.True(await Content.ContainsAsync(stored.Hash, None));
        Assert.Equal(data, await Content.ReadAllAsync(stored, None));

        // Readers holding only a hash (logs, datum tables) pass no size: the bytes decide.
        Assert.Equal(data, await Content.ReadAllAsync(new FileContent(EntryKind.File, stored.Hash, 0), None));
        using var tail = new MemoryStream();
        await Content.CopyToAsync(new FileContent(EntryKind.File, stored.Hash, 0), 7, long.MaxValue, tail, null, None);
        Assert.Equal(data[7..], tail.ToArray());
    }

    [Fact]
    public async Task EmptyContentIsStored()
    {
        var fromMemory = await Content.WriteAsync(ReadOnlyMemory<byte>.Empty, None);
        var fromStream = await Content.WriteAsync(new MemoryStream(), null, None);

        Assert.Equal(fromMemory, fromStream);
        Assert.Equal(0, fromMemory.Size);
        Assert.Empty(await Content.ReadAllAsync(fromMemory, None));
    }

    [Fact]
    public async Task LargeContentIsChunkedAndReadsBackWhole()
    {
        var data = RandomBytes(21, (10 * MiB) + 333);
        var reported = 0L;

        var stored = await Content.WriteAsync(new MemoryStream(data), new SyncProgress(n => reported += n), None);

        Assert.Equal(EntryKind.ChunkedFile, stored.Kind);
        Assert.Equal(data.Length, stored.Size);
        Assert.Equal(data.Length, reported);
        var chunks = await Content.ReadChunkListAsync(stored.Hash, None);
        Assert.True(chunks.Count > 1);
        Assert.Equal(data.Length, chunks.Sum(c => c.Size));
        Assert.Equal(data, await Content.ReadAllAsync(stored, None));
        await using var stream = await Content.OpenReadAsync(stored, None);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        Assert.Equal(data, copy.ToArray());
    }

    [Fact]
    public async Task AByteRangeReadsOnlyThoseBytesAcrossChunks()
    {
        var data = RandomBytes(22, (10 * MiB) + 333);
        var stored = await Content.WriteAsync(new MemoryStream(data), null, None);
        var chunks = await Content.ReadChunkListAsync(stored.Hash, None);
        var boundary = chunks[0].Size; // a range across the first two chunks, and one inside the last

        foreach (var (start, length) in new[] { (boundary - 10, 20L), (data.Length - 5L, 5L), (0L, 1L), (7L, 0L) })
        {
            using var copy = new MemoryStream();
            await Content.CopyToAsync(stored, start, length, copy, null, None);
            Assert.Equal(data.AsSpan((int)start, (int)length).ToArray(), copy.ToArray());
        }
    }

    [Fact]
    public async Task StoringTheSameContentTwiceAddsNothing()
    {
        var data = RandomBytes(22, 6 * MiB);
        var first = await Content.WriteAsync(data, None);
        var bytes = t.ObjectBytes();

        var second = await Content.WriteAsync(new MemoryStream(data), null, None);

        Assert.Equal(first, second);
        Assert.Equal(bytes, t.ObjectBytes());
    }

    [Fact]
    public async Task AppendingReusesTheChunksBeforeTheAddition()
    {
        var head = RandomBytes(23, 12 * MiB);
        var tail = RandomBytes(24, 100_000);
        var existing = await Content.WriteAsync(head, None);
        var before = t.ObjectBytes();

        var appended = await Content.AppendAsync(existing, new MemoryStream(tail), null, None);

        byte[] expected = [.. head, .. tail];
        Assert.Equal(expected.Length, appended.Size);
        Assert.Equal(expected, await Content.ReadAllAsync(appended, None));
        Assert.True(t.ObjectBytes() - before < 6 * MiB, "appending rewrote most of the existing chunks");
    }

    [Fact]
    public async Task TreesRoundTrip()
    {
        var file = await Content.WriteAsync(Encoding.UTF8.GetBytes("x"), None);
        TreeEntry[] entries =
        [
            new("z.txt", EntryKind.File, 1, file.Hash),
            new("a dir with spaces", EntryKind.Directory, 1, ContentStore.EmptyTree),
            new("日本語.csv", EntryKind.ChunkedFile, 1, file.Hash),
        ];

        var hash = await Content.WriteTreeAsync(entries, None);

        Assert.Equal(entries.OrderBy(e => e.Name, StringComparer.Ordinal), await Content.ReadTreeAsync(hash, None));
        Assert.Equal(hash, await Content.WriteTreeAsync(entries.AsEnumerable().Reverse(), None));
        Assert.Empty(await Content.ReadTreeAsync(ContentStore.EmptyTree, None));
    }

    [Fact]
    public async Task ACorruptObjectIsAnErrorNotData()
    {
        var stored = await Content.WriteAsync(Encoding.UTF8.GetBytes("precious data"), None);
        var file = t.ObjectFile(stored.Hash);
        var bytes = File.ReadAllBytes(file);
        bytes[0] ^= 0xFF;
        File.WriteAllBytes(file, bytes);

        var error = await Assert.ThrowsAsync<PipeException>(() => Content.ReadAllAsync(stored, None));

        Assert.Equal(ErrorCodes.Corrupt, error.Code);
        Assert.Equal(ExitCodes.InternalError, error.ExitCode);
        Assert.Contains(stored.Hash, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACorruptChunkFailsTheReadOfALargeFile()
    {
        var stored = await Content.WriteAsync(RandomBytes(25, 8 * MiB), None);
        var chunk = (await Content.ReadChunkListAsync(stored.Hash, None))[^1];
        var file = t.ObjectFile(chunk.Hash);
        File.WriteAllBytes(file, [.. File.ReadAllBytes(file), 0]);

        var error = await Assert.ThrowsAsync<PipeException>(async () =>
        {
            await using var stream = await Content.OpenReadAsync(stored, None);
            await stream.CopyToAsync(Stream.Null);
        });

        Assert.Equal(ErrorCodes.Corrupt, error.Code);
        Assert.Contains(chunk.Hash, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMissingObjectIsAnError()
    {
        var stored = await Content.WriteAsync(Encoding.UTF8.GetBytes("soon gone"), None);
        File.Delete(t.ObjectFile(stored.Hash));

        var error = await Assert.ThrowsAsync<PipeException>(() => Content.ReadAllAsync(stored, None));

        Assert.Equal(ErrorCodes.Corrupt, error.Code);
        Assert.False(await Content.ContainsAsync(stored.Hash, None));
    }

    [Fact]
    public async Task AMalformedTreeIsAnError()
    {
        var notATree = await Content.WriteAsync(Encoding.UTF8.GetBytes("this is not a tree\n"), None);

        var error = await Assert.ThrowsAsync<PipeException>(() => Content.ReadTreeAsync(notATree.Hash, None));

        Assert.Equal(ErrorCodes.Corrupt, error.Code);
    }

    public void Dispose() => t.Dispose();

    private static byte[] RandomBytes(int seed, int length)
    {
        var data = new byte[length];
        new Random(seed).NextBytes(data);
        return data;
    }

    /// <summary>Reports on the calling thread (<see cref="Progress{T}"/> would post to the thread pool).</summary>
    private sealed class SyncProgress(Action<long> report) : IProgress<long>
    {
        public void Report(long value) => report(value);
    }
}
