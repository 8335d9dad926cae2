namespace PipeBuild.Store;

/// <summary>
/// A tree object as its bytes and the offsets of its lines, decoding an entry only when asked for it. A directory
/// of 100,000 entries is one 8 MB object: an edit or a diff that touches a few entries decodes those few (and the
/// ~17 a binary search probes) and copies or compares the rest as bytes.
/// </summary>
public sealed class TreeListing
{
    private readonly byte[] data;
    private readonly List<(int Start, int Length)> lines;
    private readonly long encodedLength;

    public TreeListing(byte[] data, string hash)
    {
        this.data = data;
        Hash = hash;
        lines = [];
        for (var start = 0; start < data.Length;)
        {
            var length = data.AsSpan(start).IndexOf((byte)'\n');
            length = length < 0 ? data.Length - start : length;
            if (length > 0)
            {
                lines.Add((start, length));
                encodedLength += length + 1;
            }

            start += length + 1;
        }
    }

    /// <summary>The tree object's hash (named in errors).</summary>
    public string Hash { get; }

    public int Count => lines.Count;

    public TreeEntry this[int index] => ObjectCodec.DecodeTreeLine(Line(index), Hash);

    public string NameAt(int index) => ObjectCodec.DecodeTreeLineName(Line(index), Hash);

    /// <summary>The total size of the entries (for a directory entry, of the files under it).</summary>
    public long TotalSize()
    {
        var total = 0L;
        for (var i = 0; i < lines.Count; i++)
        {
            total += ObjectCodec.DecodeTreeLineSize(Line(i), Hash);
        }

        return total;
    }

    /// <summary>The index of the entry named <paramref name="name"/>, or the bitwise complement of where it would go.</summary>
    public int Find(string name)
    {
        int low = 0, high = lines.Count - 1;
        while (low <= high)
        {
            var middle = (low + high) >>> 1;
            var order = string.CompareOrdinal(NameAt(middle), name);
            if (order == 0)
            {
                return middle;
            }

            (low, high) = order < 0 ? (middle + 1, high) : (low, middle - 1);
        }

        return ~low;
    }

    /// <summary>The entries that differ between two listings by name, in name order: (old, new), null where absent.</summary>
    public static IEnumerable<(TreeEntry? Old, TreeEntry? New)> Diff(TreeListing? before, TreeListing? after)
    {
        int i = 0, j = 0, beforeCount = before?.Count ?? 0, afterCount = after?.Count ?? 0;
        while (i < beforeCount || j < afterCount)
        {
            if (i < beforeCount && j < afterCount && before!.Line(i).SequenceEqual(after!.Line(j)))
            {
                i++;
                j++;
                continue;
            }

            var order = i == beforeCount ? 1 : j == afterCount ? -1 : string.CompareOrdinal(before!.NameAt(i), after!.NameAt(j));
            yield return (order <= 0 ? before![i++] : null, order >= 0 ? after![j++] : null);
        }
    }

    /// <summary>
    /// Writes this listing with <paramref name="edits"/> applied (in name order; a null entry deletes the name):
    /// unchanged lines are copied as bytes, into an array of the object's exact size, measured first (a directory of
    /// 1,000,000 entries is an 85 MB object: a growing buffer and its copy would hold up to three times that).
    /// </summary>
    public static byte[] Encode(TreeListing? listing, IReadOnlyCollection<KeyValuePair<string, TreeEntry?>> edits)
    {
        var length = listing?.encodedLength ?? 0;
        foreach (var (name, entry) in edits)
        {
            var found = listing?.Find(name) ?? -1;
            length += (entry is null ? 0 : ObjectCodec.TreeLineLength(entry)) - (found >= 0 ? listing!.lines[found].Length + 1 : 0);
        }

        var encoded = new byte[length];
        using var buffer = new MemoryStream(encoded);
        var next = 0;
        foreach (var (name, entry) in edits)
        {
            var found = listing?.Find(name) ?? -1;
            var at = found >= 0 ? found : ~found;
            listing?.CopyLines(buffer, next, at);
            if (entry is not null)
            {
                ObjectCodec.WriteTreeLine(buffer, entry);
            }

            next = found >= 0 ? at + 1 : at;
        }

        listing?.CopyLines(buffer, next, listing.Count);
        return buffer.Position == length ? encoded : throw new InvalidOperationException($"tree encoding wrote {buffer.Position} bytes of {length}");
    }

    private ReadOnlySpan<byte> Line(int index) => data.AsSpan(lines[index].Start, lines[index].Length);

    private void CopyLines(Stream destination, int from, int to)
    {
        if (from < to)
        {
            var start = lines[from].Start;
            var end = lines[to - 1].Start + lines[to - 1].Length;
            destination.Write(data, start, end - start);
            destination.WriteByte((byte)'\n');
        }
    }
}
