using System.Text;
using PipeBuild.Core;
using PipeBuild.Store;

namespace PipeBuild.Engine;

/// <summary>
/// A job's datums as one stored object, in a compact binary form (hashes as raw bytes): about 100 bytes a datum
/// instead of 300 as JSON. Stored through the content store, whose chunking lets the tables of successive jobs
/// that differ in a few datums share almost all their bytes.
/// </summary>
public static class DatumTable
{
    private const int HashBytes = ContentHash.HexLength / 2;

    private static ReadOnlySpan<byte> Magic => "pipebuild-datums-v1\n"u8;

    /// <summary>Writes <paramref name="count"/> rows, row i given by <paramref name="row"/>.</summary>
    public static async Task<FileContent> WriteAsync(ContentStore content, int count, Func<int, JobDatum> row, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Magic);
            writer.Write7BitEncodedInt(count);
            for (var i = 0; i < count; i++)
            {
                var datum = row(i);
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
        }

        buffer.Position = 0;
        return await content.WriteAsync(buffer, null, cancellationToken);
    }

    /// <summary>Every row, in the order written.</summary>
    public static async Task<IReadOnlyList<JobDatum>> ReadAsync(ContentStore content, FileContent table, CancellationToken cancellationToken)
    {
        using var reader = new BinaryReader(new MemoryStream(await content.ReadAllAsync(table, cancellationToken)), Encoding.UTF8);
        if (!reader.ReadBytes(Magic.Length).AsSpan().SequenceEqual(Magic))
        {
            throw new PipeException(ErrorCodes.Corrupt, $"the datum table {table.Hash} is not one this version can read; run 'dotnet pipe fsck'.");
        }

        var rows = new JobDatum[reader.Read7BitEncodedInt()];
        for (var i = 0; i < rows.Length; i++)
        {
            var id = ReadHash(reader);
            var hash = ReadHash(reader);
            var state = reader.ReadString();
            var log = reader.ReadBoolean() ? ReadHash(reader) : null;
            rows[i] = new JobDatum(id, reader.ReadString(), hash, state, log);
        }

        return rows;
    }

    private static void WriteHash(BinaryWriter writer, string hash)
    {
        Span<byte> bytes = stackalloc byte[HashBytes];
        Convert.FromHexString(hash, bytes, out _, out _);
        writer.Write(bytes);
    }

    private static string ReadHash(BinaryReader reader) => Convert.ToHexStringLower(reader.ReadBytes(HashBytes));
}
