using PipeBuild.Core;

namespace PipeBuild.Store;

/// <summary>
/// One entry of a tree object. For a directory, <see cref="Size"/> is the total size of its files. The hash is held as
/// a <see cref="Core.Digest"/>: a job's output of a million files is a million entries until it is saved, and a hash
/// string would be two thirds of each.
/// </summary>
public sealed record TreeEntry(string Name, EntryKind Kind, long Size, Digest Digest)
{
    /// <exception cref="FormatException"><paramref name="hash"/> is not a content hash.</exception>
    public TreeEntry(string name, EntryKind kind, long size, string hash)
        : this(name, kind, size, Digest.Parse(hash))
    {
    }

    public string Hash => Digest.ToString();

    public bool IsDirectory => Kind == EntryKind.Directory;

    public FileContent Content => new(Kind, Digest, Size);
}
