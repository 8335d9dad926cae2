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
        return parent?.Entries!.GetValueOrDefault(RepoPath.Name(path));
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
        if (parent.Entries!.TryGetValue(name, out var existing) && existing.IsDirectory)
        {
            throw new PipeException(ErrorCodes.PathConflict, $"cannot put a file at '{RepoPath.Display(path)}': a directory is there. Delete it first or choose another path.");
        }

        if (existing?.Content == file)
        {
            return;
        }

        parent.Entries[name] = new TreeEntry(name, file.Kind, file.Size, file.Hash);
        parent.Loaded.Remove(name);
        MarkDirty(path);
    }

    /// <summary>Deletes the file or directory at <paramref name="path"/>; false when nothing was there.</summary>
    public async Task<bool> DeleteAsync(string path, CancellationToken cancellationToken)
    {
        if (path.Length == 0)
        {
            var hadEntries = (await root.LoadAsync(content, cancellationToken)).Entries!.Count > 0;
            root.Entries!.Clear();
            root.Loaded.Clear();
            root.Dirty |= hadEntries;
            return hadEntries;
        }

        var parent = await FindDirectoryAsync(RepoPath.Parent(path), create: false, cancellationToken);
        var name = RepoPath.Name(path);
        if (parent is null || !parent.Entries!.Remove(name))
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
            if (child.Entries!.Count == 0)
            {
                node.Entries!.Remove(name);
            }
            else
            {
                node.Entries![name] = new TreeEntry(name, EntryKind.Directory, size, hash);
            }
        }

        node.Hash = await content.WriteTreeAsync(node.Entries!.Values, cancellationToken);
        node.Size = node.Entries.Values.Sum(e => e.Size);
        node.Dirty = false;
        foreach (var emptied in node.Loaded.Where(kv => kv.Value.Entries!.Count == 0).Select(kv => kv.Key).ToList())
        {
            node.Loaded.Remove(emptied);
        }

        return (node.Hash, node.Size);
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

            if (node.Entries!.TryGetValue(segment, out var entry))
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
                loaded = new DirectoryNode(null) { Entries = new(StringComparer.Ordinal) };
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

    private sealed class DirectoryNode(string? hash)
    {
        public string? Hash { get; set; } = hash;

        public long Size { get; set; }

        public bool Dirty { get; set; }

        /// <summary>The directory's entries once read; a loaded subdirectory's entry is refreshed on save.</summary>
        public Dictionary<string, TreeEntry>? Entries { get; set; }

        public Dictionary<string, DirectoryNode> Loaded { get; } = new(StringComparer.Ordinal);

        public async Task<DirectoryNode> LoadAsync(ContentStore content, CancellationToken cancellationToken)
        {
            if (Entries is null)
            {
                var entries = await content.ReadTreeAsync(Hash!, cancellationToken);
                Entries = entries.ToDictionary(e => e.Name, StringComparer.Ordinal);
                Size = entries.Sum(e => e.Size);
            }

            return this;
        }
    }
}
