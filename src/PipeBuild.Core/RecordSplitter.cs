using System.Text.Json;

namespace PipeBuild.Core;

/// <summary>
/// Splits a source into records (lines, top-level JSON values, CSV rows) and groups them into pieces, as
/// Pachyderm's <c>put file --split</c> does: each piece becomes a file named by its 16-hex-digit index.
/// </summary>
public static class RecordSplitter
{
    /// <summary>The file name of the piece at <paramref name="index"/> (0000000000000000, 0000000000000001, ...).</summary>
    public static string PieceName(long index) => index.ToString("x16", System.Globalization.CultureInfo.InvariantCulture);

    /// <param name="content">the whole source</param>
    /// <param name="format">how records are delimited</param>
    /// <param name="recordsPerPiece">records in each piece (Pachyderm's --target-file-datums); at least 1</param>
    /// <param name="bytesPerPiece">close a piece once it reaches this many bytes (--target-file-bytes); 0 = no limit</param>
    /// <param name="headerRecords">CSV only: leading records repeated at the top of every piece</param>
    public static IReadOnlyList<byte[]> Split(
        ReadOnlyMemory<byte> content, SplitFormat format, int recordsPerPiece = 1, long bytesPerPiece = 0, int headerRecords = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(recordsPerPiece, 1);
        var records = format switch
        {
            SplitFormat.Line => Lines(content),
            SplitFormat.Json => JsonValues(content),
            SplitFormat.Csv => CsvRecords(content),
            _ => throw new ArgumentOutOfRangeException(nameof(format)),
        };

        var header = Array.Empty<byte>();
        if (headerRecords > 0)
        {
            var take = Math.Min(headerRecords, records.Count);
            header = [.. records.Take(take).SelectMany(r => r.ToArray())];
            records = records.Skip(take).ToList();
        }

        var pieces = new List<byte[]>();
        var current = new MemoryStream();
        var inCurrent = 0;
        foreach (var record in records)
        {
            if (inCurrent == 0)
            {
                current.Write(header);
            }

            current.Write(record.Span);
            inCurrent++;
            if (inCurrent >= recordsPerPiece || (bytesPerPiece > 0 && current.Length >= bytesPerPiece))
            {
                pieces.Add(current.ToArray());
                current.SetLength(0);
                inCurrent = 0;
            }
        }

        if (inCurrent > 0)
        {
            pieces.Add(current.ToArray());
        }

        return pieces;
    }

    private static List<ReadOnlyMemory<byte>> Lines(ReadOnlyMemory<byte> content)
    {
        var records = new List<ReadOnlyMemory<byte>>();
        var span = content.Span;
        var start = 0;
        while (start < span.Length)
        {
            var newline = span[start..].IndexOf((byte)'\n');
            var end = newline < 0 ? span.Length : start + newline + 1;
            records.Add(content[start..end]);
            start = end;
        }

        return records;
    }

    private static List<ReadOnlyMemory<byte>> JsonValues(ReadOnlyMemory<byte> content)
    {
        var records = new List<ReadOnlyMemory<byte>>();
        var reader = new Utf8JsonReader(content.Span, isFinalBlock: true, new JsonReaderState(new JsonReaderOptions
        {
            AllowMultipleValues = true,
            CommentHandling = JsonCommentHandling.Skip,
        }));
        try
        {
            while (reader.Read())
            {
                var start = (int)reader.TokenStartIndex;
                reader.Skip();
                var end = (int)reader.BytesConsumed;
                records.Add((byte[])[.. content.Span[start..end], (byte)'\n']);
            }
        }
        catch (JsonException e)
        {
            throw new PipeException(
                ErrorCodes.SplitFailed,
                $"cannot split as JSON: {e.Message} Check that the source is a sequence of JSON values.");
        }

        return records;
    }

    private static List<ReadOnlyMemory<byte>> CsvRecords(ReadOnlyMemory<byte> content)
    {
        // A record ends at a newline outside double quotes (RFC 4180), so quoted fields may hold newlines.
        var records = new List<ReadOnlyMemory<byte>>();
        var span = content.Span;
        var start = 0;
        var quoted = false;
        for (var i = 0; i < span.Length; i++)
        {
            if (span[i] == (byte)'"')
            {
                quoted = !quoted;
            }
            else if (span[i] == (byte)'\n' && !quoted)
            {
                records.Add(content[start..(i + 1)]);
                start = i + 1;
            }
        }

        if (quoted)
        {
            throw new PipeException(ErrorCodes.SplitFailed, "cannot split as CSV: a quoted field is not closed before the end of the file.");
        }

        if (start < span.Length)
        {
            records.Add(content[start..]);
        }

        return records;
    }
}
