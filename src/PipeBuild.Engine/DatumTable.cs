using System.Text;
using PipeBuild.Core;
using PipeBuild.Store;

namespace PipeBuild.Engine;

/// <summary>
/// A job's datums as one stored object, in a compact binary form (hashes as raw bytes): about 100 bytes a datum
/// instead of 300 as JSON. A row is: id, hash (raw), state, whether a log follows, log hash (raw), description
/// (strings length-prefixed, as <see cref="BinaryWriter"/> writes them).
/// <para>
/// A job planned from changes (<see cref="DatumPlanner.PlanChangesAsync"/>) writes a delta instead: a full table
/// it builds on, the ids of that table's rows it drops and its own rows, every other row of the full table counting
/// as reused. Successive jobs fold their changes into one delta over the same full table until the delta passes
/// <see cref="DeltaLimit"/>, then write a full table again: a job that reruns one of 100,000 datums neither reads
/// nor writes the other 99,999 rows.
/// </para>
/// </summary>
public static class DatumTable
{
    /// <summary>The largest delta (about 2,000 rows) before a job writes a full table again.</summary>
    public const int DeltaLimit = 256 * 1024;

    private static ReadOnlySpan<byte> FullMagic => "pipebuild-datums-v1\n"u8;

    private static ReadOnlySpan<byte> DeltaMagic => "pipebuild-datums-delta-v1\n"u8;

    /// <summary>
    /// Writes <paramref name="count"/> rows, row i given by <paramref name="row"/>, in plan order; with
    /// <paramref name="carried"/>, on top of the previous job's rows that it keeps.
    /// </summary>
    public static async Task<FileContent> WriteAsync(ContentStore content, int count, Func<int, JobDatum> row, CarriedRows? carried, CancellationToken cancellationToken)
    {
        if (carried is null)
        {
            return await StoreAsync(content, writer => WriteFull(writer, count, Enumerable.Range(0, count).Select(row)), cancellationToken);
        }

        // A previous table past the delta limit is a full one: it is built on without being read.
        var replanned = carried.Replanned.ToHashSet(StringComparer.Ordinal);
        var previous = carried.Previous.Size > DeltaLimit ? new Parsed<JobDatum>(carried.Previous, [], []) : await ParseAsync(content, carried.Previous, ReadDatum, cancellationToken);
        var rows = Merge(previous.Rows.Where(r => !replanned.Contains(r.Id)).Select(AsReused), Enumerable.Range(0, count).Select(row)).ToList();
        if (previous.Base is { } @base)
        {
            replanned.UnionWith(previous.Dropped);
            var delta = await StoreAsync(content, writer => WriteDelta(writer, @base, replanned, rows), cancellationToken);
            if (delta.Size <= DeltaLimit)
            {
                return delta;
            }

            rows = [.. Merge((await ReadAsync(content, @base, cancellationToken)).Where(r => !replanned.Contains(r.Id)).Select(AsReused), rows)];
        }

        return await StoreAsync(content, writer => WriteFull(writer, rows.Count, rows), cancellationToken);
    }

    /// <summary>Every row, in plan order.</summary>
    public static async Task<IReadOnlyList<JobDatum>> ReadAsync(ContentStore content, FileContent table, CancellationToken cancellationToken)
    {
        var parsed = await ParseAsync(content, table, ReadDatum, cancellationToken);
        if (parsed.Base is not { } @base)
        {
            return parsed.Rows;
        }

        var dropped = parsed.Dropped.Concat(parsed.Rows.Select(r => r.Id)).ToHashSet(StringComparer.Ordinal);
        return [.. Merge((await ReadAsync(content, @base, cancellationToken)).Where(r => !dropped.Contains(r.Id)).Select(AsReused), parsed.Rows)];
    }

    /// <summary>
    /// Every row without its description, in no particular order: what a job needs of the previous job's table to
    /// find the results it can reuse (a million rows: about 110 MB, against 550 MB as <see cref="JobDatum"/>s).
    /// </summary>
    public static async Task<IReadOnlyList<DatumKeys>> ReadKeysAsync(ContentStore content, FileContent table, CancellationToken cancellationToken)
    {
        var parsed = await ParseAsync(content, table, ReadKeys, cancellationToken);
        if (parsed.Base is not { } @base)
        {
            return parsed.Rows;
        }

        var dropped = parsed.Dropped.Select(id => Digest.Parse(id)).Concat(parsed.Rows.Select(r => r.Id)).ToHashSet();
        return [.. (await ParseAsync(content, @base, ReadKeys, cancellationToken)).Rows.Where(r => !dropped.Contains(r.Id)).Select(r => r with { State = DatumState.Skipped }), .. parsed.Rows];
    }

    /// <summary>The stored objects a table needs: itself, and the full table a delta builds on.</summary>
    public static async Task<IReadOnlyList<FileContent>> ObjectsAsync(ContentStore content, FileContent table, CancellationToken cancellationToken) =>
        table.Size <= DeltaLimit && (await ParseAsync(content, table, ReadDatum, cancellationToken)).Base is { } @base ? [table, @base] : [table];

    private static JobDatum AsReused(JobDatum row) => row.State == DatumState.Skipped ? row : row with { State = DatumState.Skipped };

    /// <summary>Two sequences of rows in plan order (a depth-first walk of the matched paths) merged into one.</summary>
    private static IEnumerable<JobDatum> Merge(IEnumerable<JobDatum> kept, IEnumerable<JobDatum> added)
    {
        using var next = added.GetEnumerator();
        var pending = next.MoveNext();
        foreach (var row in kept)
        {
            for (; pending && RepoPath.CompareWalkOrder(next.Current.Description, row.Description) < 0; pending = next.MoveNext())
            {
                yield return next.Current;
            }

            yield return row;
        }

        for (; pending; pending = next.MoveNext())
        {
            yield return next.Current;
        }
    }

    private static async Task<FileContent> StoreAsync(ContentStore content, Action<BinaryWriter> write, CancellationToken cancellationToken)
    {
        // A temporary file, not a MemoryStream: a table of a million rows is about 100 MB, which a job holding every
        // datum has no room for twice over (docs/benchmarks.md: a million datums).
        await using var buffer = new FileStream(
            Path.Combine(Path.GetTempPath(), $"pipe-datums-{Guid.NewGuid():N}"), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose);
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            write(writer);
        }

        buffer.Position = 0;
        return await content.WriteAsync(buffer, null, cancellationToken);
    }

    private static void WriteFull(BinaryWriter writer, int count, IEnumerable<JobDatum> rows)
    {
        writer.Write(FullMagic);
        writer.Write7BitEncodedInt(count);
        WriteRows(writer, rows);
    }

    private static void WriteDelta(BinaryWriter writer, FileContent @base, IReadOnlyCollection<string> dropped, IReadOnlyCollection<JobDatum> rows)
    {
        writer.Write(DeltaMagic);
        writer.Write((byte)@base.Kind);
        WriteDigest(writer, @base.Digest);
        writer.Write7BitEncodedInt64(@base.Size);
        writer.Write7BitEncodedInt(dropped.Count);
        foreach (var id in dropped.Order(StringComparer.Ordinal))
        {
            WriteHash(writer, id);
        }

        writer.Write7BitEncodedInt(rows.Count);
        WriteRows(writer, rows);
    }

    private static void WriteRows(BinaryWriter writer, IEnumerable<JobDatum> rows)
    {
        foreach (var datum in rows)
        {
            WriteHash(writer, datum.Id);
            WriteHash(writer, datum.Hash);
            writer.Write(datum.State.Name());
            writer.Write(datum.LogHash is not null);
            if (datum.LogHash is not null)
            {
                WriteHash(writer, datum.LogHash);
            }

            writer.Write(datum.Description);
        }
    }

    private static async Task<Parsed<TRow>> ParseAsync<TRow>(ContentStore content, FileContent table, Func<BinaryReader, TRow> readRow, CancellationToken cancellationToken)
    {
        using var reader = new BinaryReader(new MemoryStream(await content.ReadAllAsync(table, cancellationToken)), Encoding.UTF8);
        try
        {
            var magic = reader.ReadBytes(Math.Max(FullMagic.Length, DeltaMagic.Length)).AsSpan();
            if (magic.StartsWith(FullMagic))
            {
                reader.BaseStream.Position = FullMagic.Length;
                return new Parsed<TRow>(null, [], ReadRows(reader, readRow));
            }

            if (!magic.StartsWith(DeltaMagic))
            {
                throw Corrupt(table);
            }

            reader.BaseStream.Position = DeltaMagic.Length;
            var @base = new FileContent((EntryKind)reader.ReadByte(), ReadDigest(reader), reader.Read7BitEncodedInt64());
            var dropped = new string[reader.Read7BitEncodedInt()];
            for (var i = 0; i < dropped.Length; i++)
            {
                dropped[i] = ReadHash(reader);
            }

            return new Parsed<TRow>(@base, dropped, ReadRows(reader, readRow));
        }
        catch (Exception e) when (e is EndOfStreamException or InvalidDataException)
        {
            throw Corrupt(table);
        }
    }

    private static TRow[] ReadRows<TRow>(BinaryReader reader, Func<BinaryReader, TRow> readRow)
    {
        var rows = new TRow[reader.Read7BitEncodedInt()];
        for (var i = 0; i < rows.Length; i++)
        {
            rows[i] = readRow(reader);
        }

        return rows;
    }

    private static JobDatum ReadDatum(BinaryReader reader)
    {
        var keys = ReadKeys(reader, out var description);
        return new JobDatum(keys.Id.ToString(), description!, keys.Hash.ToString(), keys.State, keys.Log?.ToString());
    }

    private static DatumKeys ReadKeys(BinaryReader reader) => ReadKeys(reader, out _, withDescription: false);

    private static DatumKeys ReadKeys(BinaryReader reader, out string? description, bool withDescription = true)
    {
        var (id, hash) = (ReadDigest(reader), ReadDigest(reader));
        var state = DatumStates.TryParse(reader.ReadString()) ?? throw new InvalidDataException("a datum state this version does not know");
        var log = reader.ReadBoolean() ? ReadDigest(reader) : (Digest?)null;
        if (withDescription)
        {
            description = reader.ReadString();
        }
        else
        {
            description = null;
            reader.BaseStream.Seek(reader.Read7BitEncodedInt(), SeekOrigin.Current);
        }

        return new DatumKeys(id, hash, state, log);
    }

    private static void WriteHash(BinaryWriter writer, string hash) => WriteDigest(writer, Digest.Parse(hash));

    private static void WriteDigest(BinaryWriter writer, Digest digest)
    {
        Span<byte> bytes = stackalloc byte[Digest.Size];
        digest.Write(bytes);
        writer.Write(bytes);
    }

    private static string ReadHash(BinaryReader reader) => ReadDigest(reader).ToString();

    private static Digest ReadDigest(BinaryReader reader)
    {
        Span<byte> bytes = stackalloc byte[Digest.Size];
        reader.BaseStream.ReadExactly(bytes);
        return Digest.Read(bytes);
    }

    private static PipeException Corrupt(FileContent table) =>
        new(ErrorCodes.Corrupt, $"the datum table {table.Hash} is not one this version can read; run 'dotnet pipe fsck'.");

    /// <summary>
    /// What a job planned from changes keeps of the previous job's table (<paramref name="Previous"/>): every row
    /// but those of the <paramref name="Replanned"/> datum ids, as reused; <paramref name="Count"/> rows in all.
    /// </summary>
    public sealed record CarriedRows(FileContent Previous, IReadOnlyCollection<string> Replanned, int Count);

    /// <summary>A stored table: a full one (<see cref="Base"/> null), or a delta dropping rows of its base and adding its own.</summary>
    private sealed record Parsed<TRow>(FileContent? Base, IReadOnlyList<string> Dropped, IReadOnlyList<TRow> Rows);
}
