using PipeBuild.Core;

namespace PipeBuild.Store;

/// <summary>
/// Edits a Merkle tree in memory: only the directories on edited paths are loaded, and <see cref="SaveAsync"/>
/// writes only those, bottom-up. Directories left empty disappear, as in Pachyderm.
/// </summary>
public sealed class TreeEditor
{
    private readonly ContentStore content;
    private readonly DirectoryNode root;

    public TreeEditor(ContentStore content, string rootHash)
    {
        this.content = content;
        BaseTree = rootHash;
        root = new DirectoryNode(rootHash);
    }

    /// <summary>The tree the edits apply to.</summary>
    public string BaseTree { get; }

    public bool Changed => root.Dirty;

    /// <summary>The entry at <paramref name="path"/> (canonical form), or null.</summary>
    public async Task<TreeEntry?> GetAsync(string path, CancellationToken cancellationToken)
    {
        if (path.Length == 0)
        {
            return null;
        }

        var parent = await FindDirectoryAsync(RepoPath.Parent(path), create: false, cancellationToken);
        return parent is null ? null : await parent.GetAsync(RepoPath.Name(path), cancellationToken);
    }

    /// <summary>Puts a file at <paramref name="path"/>, replacing a file there and creating parent directories.</summary>
    public async Task SetFileAsync(string path, FileContent file, CancellationToken cancellationToken)
    {
        if (path.Length == 0)
        {
            throw new PipeException(ErrorCodes.InvalidPath, "a file needs a name: the repo root is a directory. Give a path, as in repo@master:/name.csv.");
        }

        var parent = (await FindDirectoryAsync(RepoPath.Parent(path), create: true, cancellationToken))!;
        var name = RepoPath.Name(path);
        var existing = await parent.GetAsync(name, cancellationToken);
        if (existing is { IsDirectory: true })
        {
            throw new PipeException(ErrorCodes.PathConflict, $"cannot put a file at '{RepoPath.Display(path)}': a directory is there. Delete it first or choose another path.");
        }

        if (existing?.Content == file)
        {
            return;
        }

        await parent.SetAsync(name, new TreeEntry(name, file.Kind, file.Size, file.Digest), cancellationToken);
        parent.Loaded.Remove(name);
        MarkDirty(path);
    }

    /// <summary>Deletes the file or directory at <paramref name="path"/>; false when nothing was there.</summary>
    public async Task<bool> DeleteAsync(string path, CancellationToken cancellationToken)
    {
        if (path.Length == 0)
        {
            var hadEntries = (await root.LoadAsync(content, cancellationToken)).Count > 0;
            root.Clear();
            root.Dirty |= hadEntries;
            return hadEntries;
        }

        var parent = await FindDirectoryAsync(RepoPath.Parent(path), create: false, cancellationToken);
        var name = RepoPath.Name(path);
        if (parent is null || !await parent.RemoveAsync(name, cancellationToken))
        {
            return false;
        }

        parent.Loaded.Remove(name);
        MarkDirty(path);
        return true;
    }

    /// <summary>Writes the edited directories and returns the new root tree hash and total size.</summary>
    public async Task<(string Hash, long Size)> SaveAsync(CancellationToken cancellationToken)
    {
        if (!root.Dirty)
        {
            // Unchanged: its size is its listing's, which the editor has not read unless an edit looked inside
            // (a job whose datums were all reused committed its unchanged output as 0 B).
            await root.LoadAsync(content, cancellationToken);
        }

        var saved = await SaveAsync(root, cancellationToken);
        return (saved.Hash, saved.Size);
    }

    private async Task<(string Hash, long Size)> SaveAsync(DirectoryNode node, CancellationToken cancellationToken)
    {
        if (!node.Dirty)
        {
            return (node.Hash!, node.Size);
        }

        foreach (var (name, child) in node.Loaded)
        {
            if (!child.Dirty)
            {
                continue;
            }

            var (hash, size) = await SaveAsync(child, cancellationToken);
            if (child.Count == 0)
            {
                await node.RemoveAsync(name, cancellationToken);
            }
            else
            {
                await node.SetAsync(name, new TreeEntry(name, EntryKind.Directory, size, hash), cancellationToken);
            }
        }

        await node.SaveAsync(content, cancellationToken);
        foreach (var emptied in node.Loaded.Where(kv => kv.Value.Count == 0).Select(kv => kv.Key).ToList())
        {
            node.Loaded.Remove(emptied);
        }

        return (node.Hash!, node.Size);
    }

    private void MarkDirty(string path)
    {
        var node = root;
        node.Dirty = true;
        foreach (var segment in RepoPath.Parent(path).Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            node = node.Loaded[segment];
            node.Dirty = true;
        }
    }

    private async Task<DirectoryNode?> FindDirectoryAsync(string path, bool create, CancellationToken cancellationToken)
    {
        var node = await root.LoadAsync(content, cancellationToken);
        var walked = "";
        foreach (var segment in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            walked = RepoPath.Combine(walked, segment);
            if (node.Loaded.TryGetValue(segment, out var loaded))
            {
                node = loaded;
                continue;
            }

            if (await node.GetAsync(segment, cancellationToken) is { } entry)
            {
                if (!entry.IsDirectory)
                {
                    if (!create)
                    {
                        return null;
                    }

                    throw new PipeException(ErrorCodes.PathConflict, $"cannot create directory '{RepoPath.Display(walked)}': a file is there. Delete it first or choose another path.");
                }

                loaded = await new DirectoryNode(entry.Hash).LoadAsync(content, cancellationToken);
            }
            else if (create)
            {
                loaded = DirectoryNode.New();
            }
            else
            {
                return null;
            }

            node.Loaded[segment] = loaded;
            node = loaded;
        }

        return node;
    }

    /// <summary>
    /// A directory being edited: its stored listing (read once, parts read and entries decoded only where looked at)
    /// and the edits on top, kept in name order so saving merges them into the parts they touch.
    /// </summary>
    private sealed class DirectoryNode(string? hash)
    {
        private readonly SortedDictionary<string, TreeEntry?> edits = new(StringComparer.Ordinal);
        private TreeListing? listing;
        private bool loaded;

        public string? Hash { get; private set; } = hash;

        /// <summary>The total size of the files under the directory as stored (edits count once saved).</summary>
        public long Size => listing?.TotalSize() ?? 0;

        public bool Dirty { get; set; }

        /// <summary>The number of entries, edits included.</summary>
        public int Count { get; private set; }

        /// <summary>The subdirectories loaded for editing; a loaded subdirectory's entry is refreshed on save.</summary>
        public Dictionary<string, DirectoryNode> Loaded { get; } = new(StringComparer.Ordinal);

        public static DirectoryNode New() => new(null) { loaded = true };

        public async Task<DirectoryNode> LoadAsync(ContentStore content, CancellationToken cancellationToken)
        {
            if (!loaded)
            {
                listing = await content.ReadListingAsync(Hash!, cancellationToken);
                Count = listing.Count;
                loaded = true;
            }

            return this;
        }

        public async ValueTask<TreeEntry?> GetAsync(string name, CancellationToken cancellationToken) =>
            edits.TryGetValue(name, out var edited) ? edited : listing is null ? null : await listing.GetAsync(name, cancellationToken);

        public ValueTask<bool> SetAsync(string name, TreeEntry entry, CancellationToken cancellationToken) => EditAsync(name, entry, cancellationToken);

        /// <summary>Removes the entry; false when there was none.</summary>
        public ValueTask<bool> RemoveAsync(string name, CancellationToken cancellationToken) => EditAsync(name, null, cancellationToken);

        public void Clear()
        {
            (listing, Count) = (null, 0);
            edits.Clear();
            Loaded.Clear();
        }

        public async Task SaveAsync(ContentStore content, CancellationToken cancellationToken)
        {
            listing = await TreeListing.WriteAsync(content, listing, edits, cancellationToken);
            (Hash, Dirty) = (listing.Hash, false);
            edits.Clear();
        }

        private async ValueTask<bool> EditAsync(string name, TreeEntry? entry, CancellationToken cancellationToken)
        {
            var existing = await GetAsync(name, cancellationToken);
            if (existing is null && entry is null)
            {
                return false;
            }

            Count += (entry is null ? 0 : 1) - (existing is null ? 0 : 1);
            edits[name] = entry;
            return true;
        }
    }
}
