using PipeBuild.Core;

namespace PipeBuild.Core.Tests;

public sealed class ContentDefinedChunkerTests
{
    private const int MiB = 1024 * 1024;

    [Fact]
    public async Task ChunksConcatenateBackToTheInput()
    {
        var data = RandomBytes(seed: 1, length: 9 * MiB + 12345);

        var chunks = await ChunkAsync(new MemoryStream(data));

        Assert.True(chunks.Count > 1);
        Assert.Equal(data, chunks.SelectMany(c => c).ToArray());
    }

    [Fact]
    public async Task ChunkSizesStayWithinTheLimits()
    {
        var data = RandomBytes(seed: 2, length: 20 * MiB);

        var chunks = await ChunkAsync(new MemoryStream(data));

        foreach (var chunk in chunks.SkipLast(1))
        {
            Assert.InRange(chunk.Length, ContentDefinedChunker.MinSize, ContentDefinedChunker.MaxSize);
        }

        Assert.InRange(chunks[^1].Length, 1, ContentDefinedChunker.MaxSize);
    }

    [Fact]
    public async Task ContentWithoutCutPointsIsCutAtTheMaximumSize()
    {
        // Zeros drive the gear hash to a fixed value that never matches a mask, so only MaxSize cuts.
        var data = new byte[(3 * ContentDefinedChunker.MaxSize) + 1000];

        var chunks = await ChunkAsync(new MemoryStream(data));

        Assert.Equal(data.Length, chunks.Sum(c => c.Length));
        Assert.All(chunks.SkipLast(1), c => Assert.Equal(ContentDefinedChunker.MaxSize, c.Length));
        Assert.Equal(1000, chunks[^1].Length);
    }

    [Fact]
    public async Task ChunkingIsDeterministicWhateverTheReadSizes()
    {
        var data = RandomBytes(seed: 3, length: 10 * MiB);

        var whole = await ChunkAsync(new MemoryStream(data));
        var again = await ChunkAsync(new MemoryStream(data));
        var trickled = await ChunkAsync(new TrickleStream(data, maxRead: 7919));

        Assert.Equal(Hashes(whole), Hashes(again));
        Assert.Equal(Hashes(whole), Hashes(trickled));
    }

    [Fact]
    public async Task EmptyInputHasNoChunks()
    {
        var chunks = await ChunkAsync(new MemoryStream([]));

        Assert.Empty(chunks);
    }

    [Fact]
    public async Task InputNoLargerThanTheMinimumIsOneChunk()
    {
        var data = RandomBytes(seed: 4, length: ContentDefinedChunker.MinSize);

        var chunks = await ChunkAsync(new MemoryStream(data));

        Assert.Equal(data, Assert.Single(chunks));
    }

    [Fact]
    public void NextCutNeverCutsBeforeTheMinimumOrAfterTheMaximum()
    {
        var data = RandomBytes(seed: 5, length: 2 * ContentDefinedChunker.MaxSize);

        Assert.Equal(100, ContentDefinedChunker.NextCut(data.AsSpan(0, 100)));
        Assert.InRange(ContentDefinedChunker.NextCut(data), ContentDefinedChunker.MinSize + 1, ContentDefinedChunker.MaxSize);
    }

    [Fact]
    public async Task AnEditInTheMiddleChangesOnlyTheChunksAroundIt()
    {
        var original = RandomBytes(seed: 6, length: 24 * MiB);
        var edited = (byte[])original.Clone();
        new Random(7).NextBytes(edited.AsSpan(12 * MiB, 4096));

        var before = Hashes(await ChunkAsync(new MemoryStream(original)));
        var after = Hashes(await ChunkAsync(new MemoryStream(edited)));

        var shared = before.Intersect(after).Count();
        Assert.True(before.Count >= 10, $"expected many chunks, got {before.Count}");
        Assert.True(shared >= before.Count - 3, $"only {shared} of {before.Count} chunks are shared after a 4 KiB edit");
        Assert.NotEqual(before, after);
    }

    [Fact]
    public async Task AnInsertionInTheMiddleShiftsNoChunksButTheOnesAroundIt()
    {
        // Fixed-size blocks would change every block after an insertion; content-defined cuts resynchronise.
        var original = RandomBytes(seed: 8, length: 24 * MiB);
        var inserted = RandomBytes(seed: 9, length: 1000);
        byte[] edited = [.. original.AsSpan(0, 12 * MiB), .. inserted, .. original.AsSpan(12 * MiB)];

        var before = Hashes(await ChunkAsync(new MemoryStream(original)));
        var after = Hashes(await ChunkAsync(new MemoryStream(edited)));

        var shared = before.Intersect(after).Count();
        Assert.True(shared >= before.Count - 3, $"only {shared} of {before.Count} chunks are shared after a 1000-byte insertion");
    }

    private static byte[] RandomBytes(int seed, int length)
    {
        var data = new byte[length];
        new Random(seed).NextBytes(data);
        return data;
    }

    private static List<string> Hashes(IEnumerable<byte[]> chunks) => [.. chunks.Select(c => ContentHash.Of(c))];

    private static async Task<List<byte[]>> ChunkAsync(Stream source)
    {
        var chunks = new List<byte[]>();
        await ContentDefinedChunker.ChunkAsync(
            source,
            (chunk, _) =>
            {
                chunks.Add(chunk.ToArray()); // the memory is reused after the callback
                return ValueTask.CompletedTask;
            },
            CancellationToken.None);
        return chunks;
    }

    /// <summary>Returns at most a few bytes per read, as a network stream may.</summary>
    private sealed class TrickleStream(byte[] data, int maxRead) : Stream
    {
        private int position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => data.Length;

        public override long Position { get => position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = Math.Min(Math.Min(count, maxRead), data.Length - position);
            Array.Copy(data, position, buffer, offset, n);
            position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
