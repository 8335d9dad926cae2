using System.Text;
using PipeBuild.Core;
using PipeBuild.Store;

namespace PipeBuild.Engine;

/// <summary>
/// A job's datums as one stored object, in a compact binary form (hashes as raw bytes): about 100 bytes a datum
/// instead of 300 as JSON. Stored through the content store, whose chunking lets the tables of successive jobs
/// that differ in a few datums share almost all their bytes. A row is: id, hash (raw), state, whether a log
/// follows, log hash (raw), description (strings length-prefixed, as <see cref="BinaryWriter"/> writes them).
/// </summary>
public static class DatumTable
{
    private const int HashBytes = ContentHash.HexLength / 2;
    private const string Reused = "skipped";

    private static ReadOnlySpan<byte> Magic => "pipebuild-datums-v1\n"u8;

    /// <summary>
    /// Writes <paramref name="count"/> rows, row i given by <paramref name="row"/>, in plan order; with
    /// <paramref name="carried"/>, merged in order with the rows carried over from the previous job as reused.
    /// </summary>
    public static async Task<FileContent> WriteAsync(ContentStore content, int count, Func<int, JobDatum> row, CarriedRows? carried, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Magic);
            writer.Write7BitEncodedInt(count + (carried?.Count ?? 0));
            var next = 0; // the next carried row to write
            for (var i = 0; i < count; i++)
            {
                var datum = row(i);
                if (carried is not null)
                {
                    var position = carried.PositionOf(datum.Description, next);
                    carried.Write(writer, next, position);
                    next = position;
                }

                WriteHash(writer, datum.Id);
                WriteHash(writer, datum.Hash);
                writer.Write(datum.State);
                writer.Write(datum.LogHash is not null);
                if (datum.LogHash is not null)
                {
                    WriteHash(writer, datum.LogHash);
                }

                writer.Write(datum.Description);
            }

            carried?.Write(writer, next, carried.Count);
        }

        buffer.Position = 0;
        return await content.WriteAsync(buffer, null, cancellationToken);
    }

    /// <summary>Every row, in the order written.</summary>
    public static async Task<IReadOnlyList<JobDatum>> ReadAsync(ContentStore content, FileContent table, CancellationToken cancellationToken)
    {
        var data = await ReadBytesAsync(content, table, cancellationToken);
        var rows = new JobDatum[ReadCount(data, table, out var offset)];
        for (var i = 0; i < rows.Length; i++)
        {
            var row = Row.Parse(data, offset, table);
            rows[i] = row.ToDatum(data);
            offset = row.End;
        }

        return rows;
    }

    /// <summary>
    /// Splits a previous job's table for a job planned from changes (<see cref="DatumPlanner.PlanChangesAsync"/>):
    /// the rows of <paramref name="replanned"/> datum ids are read in full, the others stay as bytes to carry over.
    /// </summary>
    public static async Task<CarriedRows> CarryAsync(ContentStore content, FileContent table, IReadOnlyList<string> replanned, CancellationToken cancellationToken)
    {
        var data = await ReadBytesAsync(content, table, cancellationToken);
        var ids = replanned.Select(Convert.FromHexString).ToList();
        var prefixes = ids.Select(id => BitConverter.ToInt64(id)).ToHashSet(); // most rows are told apart by 8 bytes
        var count = ReadCount(data, table, out var offset);
        var kept = new List<Row>(count);
        var replannedRows = new List<JobDatum>();
        for (var i = 0; i < count; i++)
        {
            var row = Row.Parse(data, offset, table);
            if (prefixes.Contains(BitConverter.ToInt64(data, row.Start)) && ids.Exists(id => data.AsSpan(row.Start, HashBytes).SequenceEqual(id)))
            {
                replannedRows.Add(row.ToDatum(data));
            }
            else
            {
                kept.Add(row);
            }

            offset = row.End;
        }

        return new CarriedRows(data, kept, replannedRows);
    }

    private static async Task<byte[]> ReadBytesAsync(ContentStore content, FileContent table, CancellationToken cancellationToken)
    {
        var data = await content.ReadAllAsync(table, cancellationToken);
        if (!data.AsSpan().StartsWith(Magic))
        {
            throw Corrupt(table);
        }

        return data;
    }

    private static int ReadCount(byte[] data, FileContent table, out int offset)
    {
        offset = Magic.Length;
        return Read7BitInt(data, ref offset, table);
    }

    private static int Read7BitInt(ReadOnlySpan<byte> data, ref int offset, FileContent table)
    {
        var value = 0;
        for (var shift = 0; shift < 35; shift += 7)
        {
            if (offset >= data.Length)
            {
                throw Corrupt(table);
            }

            var b = data[offset++];
            value |= (b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }

        throw Corrupt(table);
    }

    private static void WriteHash(BinaryWriter writer, string hash)
    {
        Span<byte> bytes = stackalloc byte[HashBytes];
        Convert.FromHexString(hash, bytes, out _, out _);
        writer.Write(bytes);
    }

    private static PipeException Corrupt(FileContent table) =>
        new(ErrorCodes.Corrupt, $"the datum table {table.Hash} is not one this version can read; run 'dotnet pipe fsck'.");

    /// <summary>
    /// The rows of a previous job's table a job carries over unchanged (<see cref="CarryAsync"/>), kept as their
    /// bytes: a job that replans a few of 100,000 datums copies the rest without decoding them.
    /// </summary>
    public sealed class CarriedRows
    {
        private readonly byte[] data;
        private readonly List<Row> rows;

        internal CarriedRows(byte[] data, List<Row> rows, IReadOnlyList<JobDatum> replanned)
        {
            this.data = data;
            this.rows = rows;
            Replanned = replanned;
        }

        /// <summary>The previous rows of the datums the job replans (to drop their outputs and compare hashes).</summary>
        public IReadOnlyList<JobDatum> Replanned { get; }

        public int Count => rows.Count;

        /// <summary>Where a row described <paramref name="description"/> goes among the carried rows, at or after <paramref name="from"/>.</summary>
        internal int PositionOf(string description, int from)
        {
            // Rows are in plan order: the glob's depth-first walk in name order. Binary search decodes ~17 descriptions.
            int low = from, high = rows.Count;
            while (low < high)
            {
                var middle = (low + high) >>> 1;
                if (RepoPath.CompareWalkOrder(rows[middle].Description(data), description) < 0)
                {
                    low = middle + 1;
                }
                else
                {
                    high = middle;
                }
            }

            return low;
        }

        /// <summary>Writes carried rows [<paramref name="from"/>, <paramref name="to"/>) as reused.</summary>
        internal void Write(BinaryWriter writer, int from, int to)
        {
            for (var i = from; i < to; i++)
            {
                var row = rows[i];
                writer.Write(data, row.Start, 2 * HashBytes);
                writer.Write(Reused);
                writer.Write(data, row.LogFlag, row.End - row.LogFlag);
            }
        }
    }

    /// <summary>Where one row's fields are in a table's bytes.</summary>
    internal readonly record struct Row(int Start, int State, int StateLength, int LogFlag, int DescriptionAt, int DescriptionLength, int End)
    {
        public static Row Parse(byte[] data, int start, FileContent table)
        {
            var offset = start + (2 * HashBytes);
            var stateLength = Read7BitInt(data, ref offset, table);
            var state = offset;
            var logFlag = state + stateLength;
            if (logFlag >= data.Length)
            {
                throw Corrupt(table);
            }

            offset = logFlag + 1 + (data[logFlag] != 0 ? HashBytes : 0);
            var descriptionLength = Read7BitInt(data, ref offset, table);
            var end = offset + descriptionLength;
            if (end > data.Length)
            {
                throw Corrupt(table);
            }

            return new Row(start, state, stateLength, logFlag, offset, descriptionLength, end);
        }

        public string Description(byte[] data) => Encoding.UTF8.GetString(data, DescriptionAt, DescriptionLength);

        public JobDatum ToDatum(byte[] data) => new(
            Convert.ToHexStringLower(data, Start, HashBytes),
            Description(data),
            Convert.ToHexStringLower(data, Start + HashBytes, HashBytes),
            Encoding.UTF8.GetString(data, State, StateLength),
            data[LogFlag] != 0 ? Convert.ToHexStringLower(data, LogFlag + 1, HashBytes) : null);
    }
}
