using System.Text;
using PipeBuild.Core;

namespace PipeBuild.Store;

/// <summary>
/// One changed file's lines: the hunks when both sides are text (a missing side is empty), or why there are none
/// (binary, or larger than <see cref="LineDiff.MaxBytes"/>).
/// </summary>
public sealed record FileLineDiff(FileChange Change, IReadOnlyList<DiffHunk> Hunks, string? NoLines)
{
    /// <summary>Reads both versions of <paramref name="change"/>'s file (from <paramref name="old"/> and <paramref name="new"/>) and compares their lines.</summary>
    public static async Task<FileLineDiff> ComputeAsync(VersionStore store, CommitInfo? old, CommitInfo @new, FileChange change, CancellationToken cancellationToken)
    {
        var before = change.Kind == FileChangeKind.Added || old is null ? null : await store.GetEntryAsync(old, change.Path, cancellationToken);
        var after = change.Kind == FileChangeKind.Removed ? null : await store.GetEntryAsync(@new, change.Path, cancellationToken);
        if ((before?.Size ?? 0) > LineDiff.MaxBytes || (after?.Size ?? 0) > LineDiff.MaxBytes)
        {
            return new FileLineDiff(change, [], $"larger than {LineDiff.MaxBytes >> 20} MiB: not compared line by line");
        }

        var oldBytes = before is null ? [] : await store.Content.ReadAllAsync(before.Content, cancellationToken);
        var newBytes = after is null ? [] : await store.Content.ReadAllAsync(after.Content, cancellationToken);
        if (!LineDiff.IsText(oldBytes) || !LineDiff.IsText(newBytes))
        {
            return new FileLineDiff(change, [], "binary files differ");
        }

        return new FileLineDiff(change, LineDiff.Compute(Encoding.UTF8.GetString(oldBytes), Encoding.UTF8.GetString(newBytes)), null);
    }

    /// <summary>As <c>git diff</c> prints a file (pachctl's <c>diff file</c> does the same): a header, then the hunks or why there are none.</summary>
    public string ToUnified()
    {
        var path = RepoPath.Display(Change.Path).TrimStart('/');
        var header = $"diff a/{path} b/{path}\n";
        if (NoLines is not null)
        {
            return $"{header}{NoLines}\n";
        }

        return header + LineDiff.Unified(Change.Kind == FileChangeKind.Added ? "/dev/null" : $"a/{path}", Change.Kind == FileChangeKind.Removed ? "/dev/null" : $"b/{path}", Hunks);
    }
}
