using System.Runtime.CompilerServices;

namespace PipeBuild.Store;

/// <summary>
/// A directory's entries. Up to <see cref="SplitAbove"/> entries they are one tree object; a larger directory is an
/// index of parts, each a tree object cut after an entry whose name is a part boundary
/// (<see cref="ObjectCodec.IsPartBoundary"/>, one name in 2,048), so the cuts depend on the names alone and the same
/// entries always give the same objects. An edit rewrites the parts it touches and the index, a diff of two versions
/// reads only the parts whose hashes differ, a lookup reads one part: the cost of a change no longer grows with the
/// size of the directory (a 100,000-entry directory is 8 MB as one object, ~170 KB a part).
/// </summary>
public sealed class TreeListing
{
    /// <summary>The most entries a directory stores as one tree object.</summary>
    public const int SplitAbove = 8192;

    private readonly ContentStore content;
    private readonly Slot[] slots;

    private TreeListing(ContentStore content, string hash, Slot[] slots)
    {
        this.content = content;
        Hash = hash;
        this.slots = slots;
    }

    public string Hash { get; }

    public int Count => slots.Sum(s => s.Count);

    /// <summary>The objects of the parts, for an index (none for a directory stored as one object).</summary>
    public IEnumerable<string> PartHashes => slots.Length == 1 && slots[0].Hash == Hash ? [] : slots.Select(s => s.Hash!);

    /// <summary>The total size of the entries (for a directory entry, of the files under it).</summary>
    public long TotalSize() => slots.Sum(s => s.Size);

    /// <summary>Reads the listing of the tree object <paramref name="data"/> (its parts are read when needed).</summary>
    public static TreeListing Read(ContentStore content, byte[] data, string hash)
    {
        if (!ObjectCodec.IsTreeIndex(data))
        {
            return new(content, hash, [Slot.Of(new TreeLines(data, hash))]);
        }

        return new(content, hash, [.. ObjectCodec.DecodeTreeIndex(data, hash).Select(p => new Slot(p.Hash, p.Count, p.Size, p.LastName))]);
    }

    /// <summary>The entry named <paramref name="name"/>, or null.</summary>
    public async ValueTask<TreeEntry?> GetAsync(string name, CancellationToken cancellationToken)
    {
        var lines = await LoadAsync(slots[Route(name)], cancellationToken);
        var index = lines.Find(name);
        return index >= 0 ? lines[index] : null;
    }

    /// <summary>Every entry, in name order.</summary>
    public async IAsyncEnumerable<TreeEntry> EntriesAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var slot in slots)
        {
            foreach (var entry in (await LoadAsync(slot, cancellationToken)).Decode())
            {
                yield return entry;
            }
        }
    }

    /// <summary>
    /// The entries that differ between two listings by name, in name order: (old, new), null where absent. Parts with
    /// the same hash at the same place are skipped unread.
    /// </summary>
    public static async IAsyncEnumerable<(TreeEntry? Old, TreeEntry? New)> DiffAsync(
        TreeListing? before, TreeListing? after, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var (left, right) = (new Cursor(before), new Cursor(after));
        while (true)
        {
            left.Settle();
            right.Settle();
            if (left.AtPartStart && right.AtPartStart && left.Slot is { } a && right.Slot is { } b && a.Hash is not null && a.Hash == b.Hash)
            {
                left.SkipPart();
                right.SkipPart();
                continue;
            }

            var (l, r) = (await left.LinesAsync(cancellationToken), await right.LinesAsync(cancellationToken));
            if (l is null && r is null)
            {
                yield break;
            }

            if (l is not null && r is not null && TreeLines.SameLine(l, left.Line, r, right.Line))
            {
                left.Next();
                right.Next();
                continue;
            }

            var order = l is null ? 1 : r is null ? -1 : string.CompareOrdinal(l.NameAt(left.Line), r!.NameAt(right.Line));
            yield return (order <= 0 ? left.Take(l!) : null, order >= 0 ? right.Take(r!) : null);
        }
    }

    /// <summary>
    /// Stores <paramref name="listing"/> (null: an empty directory) with <paramref name="edits"/> applied (in name
    /// order; a null entry deletes the name) and returns the new listing. Parts without edits are kept as they are.
    /// </summary>
    public static async Task<TreeListing> WriteAsync(
        ContentStore content, TreeListing? listing, IReadOnlyCollection<KeyValuePair<string, TreeEntry?>> edits, CancellationToken cancellationToken)
    {
        var old = listing?.slots ?? [Slot.Of(new TreeLines(Array.Empty<byte>(), null))];
        var byPart = new List<KeyValuePair<string, TreeEntry?>>[old.Length];
        foreach (var edit in edits)
        {
            (byPart[listing?.Route(edit.Key) ?? 0] ??= []).Add(edit);
        }

        var result = new List<Slot>();
        for (var i = 0; i < old.Length;)
        {
            if (byPart[i] is null)
            {
                result.Add(old[i++]);
                continue;
            }

            // An edited part ends where it did unless its last entry (the boundary) went: then it runs on into the next.
            var edited = await EditAsync(i++);
            while (i < old.Length && (edited.Count == 0 || !edited.EndsPart(edited.Count - 1)))
            {
                var next = await EditAsync(i++);
                edited = new TreeLines((byte[])[.. edited.Data.Span, .. next.Data.Span], null);
            }

            result.AddRange(Split(edited));
        }

        if (result.Sum(s => s.Count) <= SplitAbove)
        {
            // A small directory is one edited piece: its bytes are the object, copied only when pieces must be joined.
            ReadOnlyMemory<byte> data = result.Count == 1 ? (await LoadAsync(content, result[0], cancellationToken)).Data : ReadOnlyMemory<byte>.Empty;
            if (result.Count > 1)
            {
                var whole = new List<byte>();
                foreach (var slot in result)
                {
                    whole.AddRange((await LoadAsync(content, slot, cancellationToken)).Data.Span);
                }

                data = whole.ToArray();
            }

            var hash = await content.WriteTreeAsync(data, cancellationToken);
            return new(content, hash, [Slot.Of(new TreeLines(data, hash))]);
        }

        var parts = new List<TreePart>();
        foreach (var slot in result)
        {
            slot.Hash ??= await content.WriteTreeAsync(slot.Lines!.Data, cancellationToken);
            parts.Add(new TreePart(slot.Hash, slot.Size, slot.Count, slot.LastName!));
        }

        return new(content, await content.WriteTreeAsync(ObjectCodec.EncodeTreeIndex(parts), cancellationToken), [.. result]);

        async Task<TreeLines> EditAsync(int part) =>
            new(TreeLines.Encode(await LoadAsync(content, old[part], cancellationToken), (IReadOnlyCollection<KeyValuePair<string, TreeEntry?>>?)byPart[part] ?? []), null);
    }

    /// <summary>The lines cut after each boundary entry (the last piece may end without one).</summary>
    private static IEnumerable<Slot> Split(TreeLines lines)
    {
        var data = lines.Data;
        var start = 0;
        for (var i = 0; i < lines.Count; i++)
        {
            if (lines.EndsPart(i) || i == lines.Count - 1)
            {
                var end = i == lines.Count - 1 ? data.Length : lines.StartOf(i + 1);
                yield return Slot.Of(new TreeLines(data[start..end], null));
                start = end;
            }
        }
    }

    /// <summary>The part holding <paramref name="name"/> or where it would go: the first whose last name is not before it.</summary>
    private int Route(string name)
    {
        int low = 0, high = slots.Length - 1;
        while (low < high)
        {
            var middle = (low + high) >>> 1;
            (low, high) = string.CompareOrdinal(slots[middle].LastName, name) < 0 ? (middle + 1, high) : (low, middle);
        }

        return low;
    }

    private ValueTask<TreeLines> LoadAsync(Slot slot, CancellationToken cancellationToken) => LoadAsync(content, slot, cancellationToken);

    private static async ValueTask<TreeLines> LoadAsync(ContentStore content, Slot slot, CancellationToken cancellationToken)
    {
        if (slot.Lines is null)
        {
            var lines = new TreeLines(await content.ReadVerifiedAsync(slot.Hash!, cancellationToken), slot.Hash);
            slot.Lines = lines.Count == slot.Count ? lines : throw ObjectCodec.Corrupt(slot.Hash!, "tree part");
        }

        return slot.Lines;
    }

    /// <summary>A part: its object (null until stored), what the index says of it, and its lines once read.</summary>
    private sealed class Slot(string? hash, int count, long size, string? lastName)
    {
        public string? Hash { get; set; } = hash;

        public int Count { get; } = count;

        public long Size { get; } = size;

        /// <summary>The last entry's name; null for an empty directory.</summary>
        public string? LastName { get; } = lastName;

        public TreeLines? Lines { get; set; }

        public static Slot Of(TreeLines lines) =>
            new(lines.Hash, lines.Count, lines.TotalSize(), lines.Count > 0 ? lines.NameAt(lines.Count - 1) : null) { Lines = lines };
    }

    /// <summary>A position in a listing: a part and a line in it.</summary>
    private sealed class Cursor(TreeListing? listing)
    {
        private int part;
        private TreeLines? lines;

        public int Line { get; private set; }

        public Slot? Slot => listing is not null && part < listing.slots.Length ? listing.slots[part] : null;

        public bool AtPartStart => Line == 0;

        public void SkipPart() => (part, lines, Line) = (part + 1, null, 0);

        /// <summary>Moves past finished parts (and empty ones), so that a part's start can be skipped unread.</summary>
        public void Settle()
        {
            while (Slot is { } slot && Line >= slot.Count)
            {
                SkipPart();
            }
        }

        /// <summary>The current part's lines (after <see cref="Settle"/>); null at the end.</summary>
        public async ValueTask<TreeLines?> LinesAsync(CancellationToken cancellationToken) =>
            Slot is { } slot ? lines ??= await listing!.LoadAsync(slot, cancellationToken) : null;

        public void Next() => Line++;

        public TreeEntry Take(TreeLines current) => current[Line++];
    }
}
