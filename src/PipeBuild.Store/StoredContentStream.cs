namespace PipeBuild.Store;

/// <summary>A read-only stream over stored content that fetches one verified chunk at a time.</summary>
internal sealed class StoredContentStream(ContentStore content, IReadOnlyList<FileContent> chunks) : Stream
{
    private int next;
    private ReadOnlyMemory<byte> current;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => chunks.Sum(c => c.Size);

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

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

    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
