using System.Text;
using PipeBuild.Store;

namespace PipeBuild.Engine;

/// <summary>
/// What one try of a datum prints (stdout and stderr as they arrive, and the executor's own notes), appended to a
/// file beside the try's scratch folder rather than held in memory, so a datum may print gigabytes; stored as one
/// object once the datum ends (<see cref="StoreAsync"/>). Writes from the two output streams interleave in the order
/// they arrive, each write whole. The file is deleted with the log.
/// </summary>
public sealed class DatumLog : IDisposable
{
    private readonly string path;
    private readonly FileStream file;

    public DatumLog(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        this.path = path;
        file = new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.Read | FileShare.Delete, 64 * 1024, FileOptions.DeleteOnClose);
    }

    /// <summary>Bytes written so far.</summary>
    public long Length
    {
        get
        {
            lock (file)
            {
                return file.Length;
            }
        }
    }

    public void Write(ReadOnlySpan<byte> bytes)
    {
        lock (file)
        {
            file.Write(bytes);
        }
    }

    /// <summary>A line of text, in UTF-8 with a newline.</summary>
    public void WriteLine(string text) => Write(Encoding.UTF8.GetBytes(text + "\n"));

    /// <summary>Appends what <paramref name="source"/> holds to its end, a buffer at a time (an output pipe, a log file).</summary>
    public async Task CopyFromAsync(Stream source, CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        for (int read; (read = await source.ReadAsync(buffer, cancellationToken)) > 0;)
        {
            Write(buffer.AsSpan(0, read));
        }
    }

    /// <summary>Appends all of <paramref name="other"/>.</summary>
    public async Task AppendAsync(DatumLog other, CancellationToken cancellationToken)
    {
        await using var source = other.OpenRead();
        await CopyFromAsync(source, cancellationToken);
    }

    /// <summary>Everything written so far, as text (tests, short logs).</summary>
    public string ReadText()
    {
        using var reader = new StreamReader(OpenRead(), new UTF8Encoding(false));
        return reader.ReadToEnd();
    }

    /// <summary>Stores the log as one object (<see cref="ContentStore.WriteObjectAsync(Stream, CancellationToken)"/>); null when nothing was written.</summary>
    public async Task<string?> StoreAsync(ContentStore content, CancellationToken cancellationToken)
    {
        if (Length == 0)
        {
            return null;
        }

        await using var source = OpenRead();
        return await content.WriteObjectAsync(source, cancellationToken);
    }

    public void Dispose() => file.Dispose();

    private FileStream OpenRead()
    {
        lock (file)
        {
            file.Flush();
        }

        return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 64 * 1024, useAsync: true);
    }
}
