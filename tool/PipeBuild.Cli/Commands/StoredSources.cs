using PipeBuild.Store;

namespace PipeBuild.Cli.Commands;

/// <summary>
/// Sources already stored as content, ready to be placed in the tree. For <c>--split</c>, <see cref="SplitFolder"/>
/// is the folder the pieces go into, in order (their names depend on what the folder holds at commit time).
/// </summary>
internal sealed record StoredSources(IReadOnlyList<(string Path, FileContent Content)> Files, string? SplitFolder)
{
    public int Count => Files.Count;

    public long Bytes => Files.Sum(f => f.Content.Size);
}
