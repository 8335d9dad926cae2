using System.Text;

namespace PipeBuild.Executors.Docker;

/// <summary>
/// A container's stdout and stderr as they arrive, in one log of whole lines: each stream is decoded and split
/// on its own, so a line cut between two frames, or a multi-byte character cut in two, comes out whole.
/// </summary>
internal sealed class ContainerLog
{
    private readonly StringBuilder log = new();
    private readonly Stream[] streams = [new(), new()];

    public void Append(bool stderr, ReadOnlySpan<byte> bytes)
    {
        var stream = streams[stderr ? 1 : 0];
        var chars = new char[stream.Decoder.GetCharCount(bytes, flush: false)];
        stream.Decoder.GetChars(bytes, chars, flush: false);
        foreach (var c in chars)
        {
            if (c == '\n')
            {
                log.Append(stream.Line).Append('\n');
                stream.Line.Clear();
            }
            else
            {
                stream.Line.Append(c);
            }
        }
    }

    /// <summary>The log, with any unfinished last line of either stream.</summary>
    public override string ToString()
    {
        var text = new StringBuilder(log.ToString());
        foreach (var stream in streams.Where(s => s.Line.Length > 0))
        {
            text.Append(stream.Line).Append('\n');
        }

        return text.ToString();
    }

    private sealed class Stream
    {
        public Decoder Decoder { get; } = new UTF8Encoding(false).GetDecoder();

        public StringBuilder Line { get; } = new();
    }
}
