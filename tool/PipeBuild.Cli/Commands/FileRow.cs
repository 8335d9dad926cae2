using PipeBuild.Core;
using PipeBuild.Store;

namespace PipeBuild.Cli.Commands;

/// <summary>One line of <c>file list</c> / <c>file glob</c>.</summary>
internal sealed record FileRow(string Path, string Type, long Size, string Hash)
{
    public static FileRow Of(string path, TreeEntry entry) =>
        new(RepoPath.Display(path) + (entry.IsDirectory && path.Length > 0 ? "/" : ""), entry.IsDirectory ? "dir" : "file", entry.Size, entry.Hash);

    public static (string[] Headers, IEnumerable<string[]> Rows) Table(IReadOnlyList<FileRow> rows) =>
        (["NAME", "TYPE", "SIZE"], rows.Select(r => new[] { r.Path, r.Type, Cli.Bytes(r.Size) }));
}
