using PipeBuild.Core;
using PipeBuild.Core.Pipelines;
using PipeBuild.Store;

namespace PipeBuild.Engine;

/// <summary>
/// Copies an output commit to its pipeline's egress target (Pachyderm's <c>egress</c>, docs/pipeproj.md#egress): only
/// the files that changed since the commit copied there before, deletes included. The first copy to a URL writes every
/// file and deletes nothing that was there.
/// </summary>
public sealed class OutputEgress(VersionStore store, Func<EgressUrl, IEgressTarget> targets)
{
    private const int Parallelism = 8;

    /// <param name="previous">The commit last copied to <paramref name="url"/> in full, or null.</param>
    public async Task<EgressReport> PushAsync(EgressUrl url, CommitInfo? previous, CommitInfo output, CancellationToken cancellationToken)
    {
        var changes = await store.DiffEntriesAsync(previous is null ? null : Root(previous), Root(output), "", int.MaxValue, cancellationToken);
        var deleted = changes.Where(c => c.Old is { IsDirectory: false } && c.New is not { IsDirectory: false }).Select(c => c.Path).ToList();
        var written = changes.Where(c => c.New is { IsDirectory: false }).ToList();
        try
        {
            await using var target = targets(url);

            // Deletes first: a file replaced by a folder of its name (or the reverse) makes room for what follows.
            await Parallel.ForEachAsync(deleted, Options(cancellationToken), (path, ct) => new ValueTask(target.DeleteAsync(path.TrimStart('/'), ct)));
            await Parallel.ForEachAsync(written, Options(cancellationToken), async (change, ct) =>
            {
                await using var content = await store.Content.OpenReadAsync(change.New!.Content, ct);
                await target.PutAsync(change.Path.TrimStart('/'), content, change.New.Size, ct);
            });
        }
        catch (PipeException e) when (e.Code != ErrorCodes.EgressFailed)
        {
            throw new PipeException(ErrorCodes.EgressFailed, e.Message, ExitCodes.UserError, e);
        }

        return new EgressReport(url.Text, written.Count, deleted.Count);
    }

    private static TreeEntry Root(CommitInfo commit) => new("", EntryKind.Directory, commit.Size, commit.Tree);

    private static ParallelOptions Options(CancellationToken cancellationToken) => new() { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken };
}
