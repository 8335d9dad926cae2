using PipeBuild.Engine;

namespace PipeBuild.Executors.Docker;

/// <summary>
/// A container's stdout and stderr as they arrive, into the datum's log in whole lines: each stream's unfinished line
/// waits for its end, so a line cut between two frames comes out whole and the two streams' lines do not mix. A line
/// longer than <see cref="MaxPending"/> is written in pieces, so nothing a transform prints is held whole in memory.
/// </summary>
internal sealed class ContainerLog(DatumLog log)
{
    private const int MaxPending = 64 * 1024;

    private readonly MemoryStream[] pending = [new(), new()];

    public void Append(bool stderr, ReadOnlySpan<byte> bytes)
    {
        var line = pending[stderr ? 1 : 0];
        var end = bytes.LastIndexOf((byte)'\n');
        if (end >= 0)
        {
            line.Write(bytes[..(end + 1)]);
            WriteOut(line);
            bytes = bytes[(end + 1)..];
        }

        line.Write(bytes);
        if (line.Length > MaxPending)
        {
            WriteOut(line);
        }
    }

    /// <summary>Writes what is left of either stream's last line (called once the container has ended).</summary>
    public void Flush()
    {
        foreach (var line in pending.Where(l => l.Length > 0))
        {
            WriteOut(line);
        }
    }

    private void WriteOut(MemoryStream line)
    {
        log.Write(line.GetBuffer().AsSpan(0, (int)line.Length));
        line.SetLength(0);
    }
}
