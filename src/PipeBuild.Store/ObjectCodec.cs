using System.Globalization;
using System.Text;
using PipeBuild.Core;

namespace PipeBuild.Store;

/// <summary>
/// The byte formats of tree and chunk-list objects. Both are line-based and sorted so the same content always
/// has the same bytes and hash: a tree line is "<c>kind size hash name</c>" (kind f, c or d), a chunk-list
/// line is "<c>hash size</c>".
/// </summary>
public static class ObjectCodec
{
    public static byte[] EncodeTree(IEnumerable<TreeEntry> entries)
    {
        var text = new StringBuilder();
        foreach (var entry in entries.OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            text.Append(KindChar(entry.Kind)).Append(' ')
                .Append(entry.Size.ToString(CultureInfo.InvariantCulture)).Append(' ')
                .Append(entry.Hash).Append(' ')
                .Append(entry.Name).Append('\n');
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    public static List<TreeEntry> DecodeTree(ReadOnlySpan<byte> data, string hash)
    {
        var entries = new List<TreeEntry>();
        foreach (var line in Lines(data, hash))
        {
            var parts = line.Split(' ', 4);
            if (parts.Length != 4 || parts[0].Length != 1 || !long.TryParse(parts[1], CultureInfo.InvariantCulture, out var size) || !ContentHash.IsValid(parts[2]))
            {
                throw Corrupt(hash, "tree");
            }

            entries.Add(new TreeEntry(parts[3], ParseKind(parts[0][0], hash), size, parts[2]));
        }

        return entries;
    }

    public static byte[] EncodeChunkList(IEnumerable<FileContent> chunks)
    {
        var text = new StringBuilder();
        foreach (var chunk in chunks)
        {
            text.Append(chunk.Hash).Append(' ').Append(chunk.Size.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    public static List<FileContent> DecodeChunkList(ReadOnlySpan<byte> data, string hash)
    {
        var chunks = new List<FileContent>();
        foreach (var line in Lines(data, hash))
        {
            var parts = line.Split(' ');
            if (parts.Length != 2 || !ContentHash.IsValid(parts[0]) || !long.TryParse(parts[1], CultureInfo.InvariantCulture, out var size))
            {
                throw Corrupt(hash, "chunk list");
            }

            chunks.Add(new FileContent(EntryKind.File, parts[0], size));
        }

        return chunks;
    }

    private static IEnumerable<string> Lines(ReadOnlySpan<byte> data, string hash)
    {
        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(data);
        }
        catch (DecoderFallbackException)
        {
            throw Corrupt(hash, "tree");
        }

        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    private static char KindChar(EntryKind kind) => kind switch
    {
        EntryKind.File => 'f',
        EntryKind.ChunkedFile => 'c',
        _ => 'd',
    };

    private static EntryKind ParseKind(char c, string hash) => c switch
    {
        'f' => EntryKind.File,
        'c' => EntryKind.ChunkedFile,
        'd' => EntryKind.Directory,
        _ => throw Corrupt(hash, "tree"),
    };

    private static PipeException Corrupt(string hash, string what) =>
        new(ErrorCodes.Corrupt, $"the {what} object {hash} is malformed; run 'dotnet pipe fsck'.", ExitCodes.InternalError);
}
