namespace PipeBuild.Core;

/// <summary>
/// FastCDC content-defined chunking (Xia et al., 2016, normalized chunking level 2): cut points depend on
/// content, not offsets, so an edit in the middle of a large file changes only the chunks around it.
/// The gear table and sizes are part of the on-disk format: changing them changes file hashes.
/// </summary>
public static class ContentDefinedChunker
{
    public const int MinSize = 256 * 1024;
    public const int AverageSize = 1024 * 1024;
    public const int MaxSize = 4 * 1024 * 1024;

    // Gear hashing shifts left, so the high bits see the longest window: masks select high bits.
    private const ulong MaskSmall = ulong.MaxValue << (64 - 22); // harder to match before the average size
    private const ulong MaskLarge = ulong.MaxValue << (64 - 18); // easier after it

    private static readonly ulong[] Gear = BuildGear();

    /// <summary>
    /// Length of the next chunk at the start of <paramref name="data"/>. <paramref name="data"/> must hold
    /// at least <see cref="MaxSize"/> bytes unless it is the end of the stream.
    /// </summary>
    public static int NextCut(ReadOnlySpan<byte> data)
    {
        if (data.Length <= MinSize)
        {
            return data.Length;
        }

        var limit = Math.Min(data.Length, MaxSize);
        var normal = Math.Min(limit, AverageSize);
        ulong hash = 0;
        var i = MinSize;
        for (; i < normal; i++)
        {
            hash = (hash << 1) + Gear[data[i]];
            if ((hash & MaskSmall) == 0)
            {
                return i + 1;
            }
        }

        for (; i < limit; i++)
        {
            hash = (hash << 1) + Gear[data[i]];
            if ((hash & MaskLarge) == 0)
            {
                return i + 1;
            }
        }

        return limit;
    }

    /// <summary>Reads <paramref name="source"/> to its end and hands each chunk to <paramref name="onChunk"/>.</summary>
    /// <remarks>The memory given to <paramref name="onChunk"/> is reused after the callback returns.</remarks>
    public static async Task ChunkAsync(
        Stream source, Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask> onChunk, CancellationToken cancellationToken)
    {
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(2 * MaxSize);
        try
        {
            int filled = 0;
            var eof = false;
            while (true)
            {
                while (!eof && filled < MaxSize)
                {
                    var read = await source.ReadAsync(buffer.AsMemory(filled, buffer.Length - filled), cancellationToken);
                    eof = read == 0;
                    filled += read;
                }

                if (filled == 0)
                {
                    return;
                }

                var cut = NextCut(buffer.AsSpan(0, filled));
                await onChunk(buffer.AsMemory(0, cut), cancellationToken);
                Buffer.BlockCopy(buffer, cut, buffer, 0, filled - cut);
                filled -= cut;
                if (eof && filled == 0)
                {
                    return;
                }
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static ulong[] BuildGear()
    {
        // splitmix64 from a fixed seed: deterministic across machines and runtimes.
        var table = new ulong[256];
        var state = 0x5049504542554C44UL; // "PIPEBUILD"
        for (var i = 0; i < table.Length; i++)
        {
            state += 0x9E3779B97F4A7C15UL;
            var z = state;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            table[i] = z ^ (z >> 31);
        }

        return table;
    }
}
