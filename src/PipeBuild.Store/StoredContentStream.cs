namespace PipeBuild.Store;

/// <summary>A read-only stream over stored content that fetches one verified chunk at a time.</summary>
internal sealed class StoredContentStream(ContentStore content, IReadOnlyList<FileContent> chunks) : ForwardReadStream
{
    private int next;
    private ReadOnlyMemory<byte> current;

    public override long Length => chunks.Sum(c => c.Size);

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (current.IsEmpty)
        {
            if (next >= chunks.Count)
            {
                return 0;
            }

            current = await content.ReadVerifiedAsync(chunks[next++].Hash, cancellationToken);
        }

        var count = Math.Min(buffer.Length, current.Length);
        current[..count].CopyTo(buffer);
        current = current[count..];
        return count;
    }
}
