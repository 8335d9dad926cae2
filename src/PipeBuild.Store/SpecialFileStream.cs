namespace PipeBuild.Store;

/// <summary>
/// Reads a named pipe, socket or device given as a source (<c>-f &lt;(command)</c>, <c>-f /dev/stdin</c>). Opening
/// such a file waits for a writer and each read waits for data, inside system calls that no cancellation reaches:
/// the waits run on the thread pool and the caller stops waiting when cancelled, so Ctrl+C or SIGTERM still stops
/// the command (it hung before). An abandoned read fills this stream's own buffer, never the caller's.
/// </summary>
internal sealed class SpecialFileStream : Stream
{
    private readonly FileStream inner;
    private byte[] own = [];

    private SpecialFileStream(FileStream inner) => this.inner = inner;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public static async Task<Stream> OpenAsync(string path, CancellationToken cancellationToken) =>
        new SpecialFileStream(await Task.Run(() => new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1), CancellationToken.None).WaitAsync(cancellationToken));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (own.Length < buffer.Length)
        {
            own = new byte[buffer.Length];
        }

        var read = own;
        var count = await Task.Run(() => inner.Read(read, 0, buffer.Length), CancellationToken.None).WaitAsync(cancellationToken);
        read.AsSpan(0, count).CopyTo(buffer.Span);
        return count;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
