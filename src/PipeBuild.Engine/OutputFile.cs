using PipeBuild.Store;

namespace PipeBuild.Engine;

/// <summary>A file a datum wrote to /pfs/out: its path there and its stored content.</summary>
public sealed record OutputFile(string Path, EntryKind Kind, string Hash, long Size)
{
    public FileContent Content => new(Kind, Hash, Size);
}
