using System.Globalization;
using System.Text;
using PipeBuild.Core;

namespace PipeBuild.Store;

/// <summary>
/// The byte formats of tree and chunk-list objects. All are line-based and sorted so the same content always
/// has the same bytes and hash: a tree line is "<c>kind size hash name</c>" (kind f, c or d), a chunk-list
/// line is "<c>hash size</c>", and the index of a large directory's parts (<see cref="TreeListing"/>) has a line
/// "<c>p size hash count lastName</c>" per part.
/// </summary>
public static class ObjectCodec
{
    private static readonly UTF8Encoding StrictUtf8 = new(false, throwOnInvalidBytes: true);

    public static byte[] EncodeTree(IEnumerable<TreeEntry> entries)
    {
        using var buffer = new MemoryStream();
        foreach (var entry in entries.OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            WriteTreeLine(buffer, entry);
        }

        return buffer.ToArray();
    }

    /// <summary>One tree line, "<c>kind size hash name\n</c>".</summary>
    public static void WriteTreeLine(Stream destination, TreeEntry entry)
    {
        destination.Write(Encoding.UTF8.GetBytes(TreeLine(entry)));
    }

    /// <summary>The length in bytes of <paramref name="entry"/>'s tree line, newline included.</summary>
    public static int TreeLineLength(TreeEntry entry) => Encoding.UTF8.GetByteCount(TreeLine(entry));

    private static string TreeLine(TreeEntry entry) =>
        $"{KindChar(entry.Kind)} {entry.Size.ToString(CultureInfo.InvariantCulture)} {entry.Hash} {entry.Name}\n";

    /// <summary>The entries in name order (ordinal), as <see cref="EncodeTree"/> wrote them; out of order is corrupt.</summary>
    public static List<TreeEntry> DecodeTree(ReadOnlySpan<byte> data, string hash)
    {
        // Parsed from the UTF-8 bytes: a directory can hold a million entries, and a decoded copy of the whole
        // object plus six strings a line would double the memory a large plan needs.
        var entries = new List<TreeEntry>();
        string? previous = null;
        var rest = data;
        while (!rest.IsEmpty)
        {
            var end = rest.IndexOf((byte)'\n');
            var line = end < 0 ? rest : rest[..end];
            rest = end < 0 ? [] : rest[(end + 1)..];
            if (line.IsEmpty)
            {
                continue;
            }

            var entry = DecodeTreeLine(line, hash);
            if (previous is not null && string.CompareOrdinal(previous, entry.Name) >= 0)
            {
                throw Corrupt(hash, "tree");
            }

            entries.Add(entry);
            previous = entry.Name;
        }

        return entries;
    }

    /// <summary>One line of the tree object <paramref name="hash"/>, without its newline.</summary>
    public static TreeEntry DecodeTreeLine(ReadOnlySpan<byte> line, string hash)
    {
        var sizeEnd = SizeEnd(line, hash);
        var hashEnd = sizeEnd + 1 + ContentHash.HexLength;
        if (!long.TryParse(line[2..sizeEnd], NumberStyles.None, CultureInfo.InvariantCulture, out var size))
        {
            throw Corrupt(hash, "tree");
        }

        Span<char> hex = stackalloc char[ContentHash.HexLength];
        Encoding.Latin1.GetChars(line[(sizeEnd + 1)..hashEnd], hex);
        if (!Digest.TryParse(hex, out var entryHash))
        {
            throw Corrupt(hash, "tree");
        }

        return new TreeEntry(EntryName(line[(hashEnd + 1)..], hash), ParseKind((char)line[0], hash), size, entryHash);
    }

    /// <summary>The name on one line of the tree object <paramref name="hash"/>.</summary>
    public static string DecodeTreeLineName(ReadOnlySpan<byte> line, string hash) =>
        EntryName(line[(SizeEnd(line, hash) + 2 + ContentHash.HexLength)..], hash);

    /// <summary>The size on one line of the tree object <paramref name="hash"/>.</summary>
    public static long DecodeTreeLineSize(ReadOnlySpan<byte> line, string hash) =>
        long.TryParse(line[2..SizeEnd(line, hash)], NumberStyles.None, CultureInfo.InvariantCulture, out var size) ? size : throw Corrupt(hash, "tree");

    /// <summary>
    /// Whether a tree line's entry ends a part of a large directory: one name in 2,048 does, chosen by a hash of the
    /// name's bytes (FNV-1a, fixed forever: it decides stored hashes), so parts are cut where the names say, and an
    /// edit moves no cut but its own.
    /// </summary>
    public static bool IsPartBoundary(ReadOnlySpan<byte> line, string hash)
    {
        var hashed = 14695981039346656037UL;
        foreach (var b in line[(SizeEnd(line, hash) + 2 + ContentHash.HexLength)..])
        {
            hashed = (hashed ^ b) * 1099511628211UL;
        }

        return (hashed & 2047) == 0;
    }

    /// <summary>Whether a tree object is the index of a large directory's parts rather than a list of entries.</summary>
    public static bool IsTreeIndex(ReadOnlySpan<byte> data) => data.StartsWith("p "u8);

    /// <summary>The index of a large directory: one line per part, in name order.</summary>
    public static byte[] EncodeTreeIndex(IEnumerable<TreePart> parts)
    {
        using var buffer = new MemoryStream();
        foreach (var part in parts)
        {
            buffer.Write(Encoding.UTF8.GetBytes($"p {part.Size.ToString(CultureInfo.InvariantCulture)} {part.Hash} {part.Count.ToString(CultureInfo.InvariantCulture)} {part.LastName}\n"));
        }

        return buffer.ToArray();
    }

    public static List<TreePart> DecodeTreeIndex(ReadOnlySpan<byte> data, string hash)
    {
        var parts = new List<TreePart>();
        foreach (var line in Utf8(data, hash, "tree index").Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var fields = line.Split(' ', 5);
            if (fields.Length != 5 || fields[0] != "p" || !ContentHash.IsValid(fields[2])
                || !long.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var size)
                || !int.TryParse(fields[3], NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count == 0
                || (parts.Count > 0 && string.CompareOrdinal(parts[^1].LastName, fields[4]) >= 0))
            {
                throw Corrupt(hash, "tree index");
            }

            parts.Add(new TreePart(fields[2], size, count, fields[4]));
        }

        return parts.Count > 0 ? parts : throw Corrupt(hash, "tree index");
    }

    /// <summary>Where the size field of a tree line ends (checked: the hash and a name follow).</summary>
    private static int SizeEnd(ReadOnlySpan<byte> line, string hash)
    {
        var sizeEnd = line.Length > 2 && line[1] == ' ' ? line[2..].IndexOf((byte)' ') + 2 : -1;
        var hashEnd = sizeEnd + 1 + ContentHash.HexLength;
        return sizeEnd < 3 || line.Length < hashEnd + 2 || line[hashEnd] != ' ' ? throw Corrupt(hash, "tree") : sizeEnd;
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
            if (parts.Length != 2 || !Digest.TryParse(parts[0], out var chunk) || !long.TryParse(parts[1], CultureInfo.InvariantCulture, out var size))
            {
                throw Corrupt(hash, "chunk list");
            }

            chunks.Add(new FileContent(EntryKind.File, chunk, size));
        }

        return chunks;
    }

    private static IEnumerable<string> Lines(ReadOnlySpan<byte> data, string hash) =>
        Utf8(data, hash, "chunk list").Split('\n', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>
    /// A tree entry's name, which must be one valid path segment: a tree naming "..", "/etc" or "a/../../x" (made by
    /// hand, or by a store that was tampered with) is refused wherever it is read, by fsck, sync and file get alike.
    /// </summary>
    private static string EntryName(ReadOnlySpan<byte> data, string hash)
    {
        var name = Utf8(data, hash, "tree");
        return RepoPath.IsValidSegment(name)
            ? name
            : throw new PipeException(ErrorCodes.Corrupt, $"the tree object {hash} has an entry named '{Printable(name)}', which is not a valid name (one path segment, not '.' or '..'); run 'dotnet pipe fsck'.", ExitCodes.InternalError);
    }

    /// <summary>A name as it may be shown on a terminal: control characters (escape sequences) written as \uXXXX.</summary>
    private static string Printable(string name) =>
        string.Concat(name.Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));

    private static string Utf8(ReadOnlySpan<byte> data, string hash, string what)
    {
        try
        {
            return StrictUtf8.GetString(data);
        }
        catch (DecoderFallbackException)
        {
            throw Corrupt(hash, what);
        }
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

    internal static PipeException Corrupt(string hash, string what) =>
        new(ErrorCodes.Corrupt, $"the {what} object {hash} is malformed; run 'dotnet pipe fsck'.", ExitCodes.InternalError);
}
