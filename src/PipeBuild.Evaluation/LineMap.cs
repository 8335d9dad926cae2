namespace PipeBuild.Evaluation;

/// <summary>Turns byte offsets in a UTF-8 file into 1-based line and character columns for messages.</summary>
internal sealed class LineMap
{
    private readonly byte[] utf8;
    private readonly List<int> lineStarts = [0];

    public LineMap(byte[] utf8, string file)
    {
        this.utf8 = utf8;
        File = file;
        for (var i = 0; i < utf8.Length; i++)
        {
            if (utf8[i] == (byte)'\n')
            {
                lineStarts.Add(i + 1);
            }
        }
    }

    public string File { get; }

    public SourceLocation At(long offset)
    {
        var clamped = (int)Math.Clamp(offset, 0, utf8.Length);
        var line = lineStarts.BinarySearch(clamped);
        if (line < 0)
        {
            line = ~line - 1;
        }

        return new SourceLocation(File, line + 1, Column(lineStarts[line], clamped));
    }

    /// <summary>The position a JSON reader error gives as a 0-based line and byte position in that line.</summary>
    public SourceLocation At(long line, long bytePositionInLine)
    {
        if (line < 0 || line >= lineStarts.Count)
        {
            return At(utf8.Length);
        }

        var start = lineStarts[(int)line];
        var offset = (int)Math.Min(start + bytePositionInLine, utf8.Length);
        return new SourceLocation(File, (int)line + 1, Column(start, offset));
    }

    // Characters, not bytes: continuation bytes (10xxxxxx) do not start a character.
    private int Column(int lineStart, int offset)
    {
        var column = 1;
        for (var i = lineStart; i < offset; i++)
        {
            if ((utf8[i] & 0xC0) != 0x80)
            {
                column++;
            }
        }

        return column;
    }
}
