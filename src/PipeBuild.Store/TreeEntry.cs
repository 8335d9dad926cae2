namespace PipeBuild.Store;

/// <summary>One entry of a tree object. For a directory, <see cref="Size"/> is the total size of its files.</summary>
public sealed record TreeEntry(string Name, EntryKind Kind, long Size, string Hash)
{
    public bool IsDirectory => Kind == EntryKind.Directory;

    public FileContent Content => new(Kind, Hash, Size);
}
