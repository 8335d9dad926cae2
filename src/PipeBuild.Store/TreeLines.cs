namespace PipeBuild.Store;

/// <summary>
/// The lines of one tree object (a directory, or a part of a large one: <see cref="TreeListing"/>) as bytes and
/// offsets, decoding an entry only when asked for it: an edit or a diff that touches a few entries decodes those few
/// (and the ~11 a binary search probes) and copies or compares the rest as bytes.
/// </summary>
public sealed class TreeLines
{
    private readonly ReadOnlyMemory<byte> data;
    private readonly List<(int Start, int Length)> lines;
    private readonly long encodedLength;

    public TreeLines(ReadOnlyMemory<byte> data, string? hash)
    {
        this.data = data;
        Hash = hash;
        lines = [];
        var span = data.Span;
        for (var start = 0; start < span.Length;)
        {
            var length = span[start..].IndexOf((byte)'\n');
            length = length < 0 ? span.Length - start : length;
            if (length > 0)
            {
                lines.Add((start, length));
                encodedLength += length + 1;
            }

            start += length + 1;
        }
    }

    /// <summary>The tree object's hash (named in errors); null for lines not stored yet.</summary>
    public string? Hash { get; }

    public int Count => lines.Count;

    public TreeEntry this[int index] => ObjectCodec.DecodeTreeLine(Line(index), What);

    public string NameAt(int index) => ObjectCodec.DecodeTreeLineName(Line(index), What);

    /// <summary>The object's bytes: each line ends with a newline.</summary>
    public ReadOnlyMemory<byte> Data => data;

    private string What => Hash ?? "(being written)";

    /// <summary>Every entry, checked to be in name order (out of order is corrupt).</summary>
    public List<TreeEntry> Decode() => ObjectCodec.DecodeTree(data.Span, What);

    /// <summary>Whether the entry on line <paramref name="index"/> ends a part of a large directory (<see cref="TreeListing"/>).</summary>
    public bool EndsPart(int index) => ObjectCodec.IsPartBoundary(Line(index), What);

    /// <summary>The total size of the entries (for a directory entry, of the files under it).</summary>
    public long TotalSize()
    {
        var total = 0L;
        for (var i = 0; i < lines.Count; i++)
        {
            total += ObjectCodec.DecodeTreeLineSize(Line(i), What);
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

    /// <summary>Whether line <paramref name="i"/> of <paramref name="a"/> and line <paramref name="j"/> of <paramref name="b"/> are the same bytes (the same entry).</summary>
    public static bool SameLine(TreeLines a, int i, TreeLines b, int j) => a.Line(i).SequenceEqual(b.Line(j));

    /// <summary>
    /// Writes this listing with <paramref name="edits"/> applied (in name order; a null entry deletes the name):
    /// unchanged lines are copied as bytes, into an array of the object's exact size, measured first (a directory of
    /// 1,000,000 entries is an 85 MB object: a growing buffer and its copy would hold up to three times that).
    /// </summary>
    public static byte[] Encode(TreeLines? listing, IReadOnlyCollection<KeyValuePair<string, TreeEntry?>> edits)
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

    /// <summary>Where line <paramref name="index"/> starts in <see cref="Data"/>.</summary>
    public int StartOf(int index) => lines[index].Start;

    private ReadOnlySpan<byte> Line(int index) => data.Span.Slice(lines[index].Start, lines[index].Length);

    private void CopyLines(Stream destination, int from, int to)
    {
        if (from < to)
        {
            var start = lines[from].Start;
            var end = lines[to - 1].Start + lines[to - 1].Length;
            destination.Write(data.Span[start..end]);
            destination.WriteByte((byte)'\n');
        }
    }
}
