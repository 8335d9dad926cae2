using PipeBuild.Core;
using PipeBuild.Core.Pipelines;
using PipeBuild.Store;

namespace PipeBuild.Engine;

/// <summary>
/// Copies an output commit to its pipeline's egress target (Pachyderm's <c>egress</c>, docs/pipeproj.md#egress): only
/// the files that changed since the commit copied there before, deletes included. The first copy to a URL writes every
/// file and deletes nothing that was there. Copies that failed since may have left any file of their commits there,
/// so what differs from each of those is put right as well.
/// </summary>
public sealed class OutputEgress(VersionStore store, Func<EgressUrl, IEgressTarget> targets)
{
    private const int Parallelism = 8;

    /// <param name="previous">The commit last copied to <paramref name="url"/> in full, or null.</param>
    /// <param name="failed">The commits whose copies to <paramref name="url"/> failed since <paramref name="previous"/>'s.</param>
    public async Task<EgressReport> PushAsync(EgressUrl url, CommitInfo? previous, IReadOnlyList<CommitInfo> failed, CommitInfo output, CancellationToken cancellationToken)
    {
        var deletes = new HashSet<string>(StringComparer.Ordinal);
        var writes = new Dictionary<string, TreeEntry>(StringComparer.Ordinal);
        foreach (var before in failed.Prepend(previous).Distinct())
        {
            foreach (var change in await store.DiffEntriesAsync(before?.Root, output.Root, "", int.MaxValue, cancellationToken))
            {
                if (change.New is { IsDirectory: false } file)
                {
                    writes[change.Path] = file;
                }
                else if (change.Old is { IsDirectory: false })
                {
                    deletes.Add(change.Path);
                }
            }
        }

        var deleted = deletes.Order(StringComparer.Ordinal).ToList();
        var written = writes.OrderBy(w => w.Key, StringComparer.Ordinal).ToList();
        try
        {
            await using var target = targets(url);

            // Deletes first: a file replaced by a folder of its name (or the reverse) makes room for what follows.
            await Parallel.ForEachAsync(deleted, Options(cancellationToken), (path, ct) => new ValueTask(target.DeleteAsync(path.TrimStart('/'), ct)));
            await Parallel.ForEachAsync(written, Options(cancellationToken), async (write, ct) =>
            {
                await using var content = await store.Content.OpenReadAsync(write.Value.Content, ct);
                await target.PutAsync(write.Key.TrimStart('/'), content, write.Value.Size, ct);
            });
        }
        catch (PipeException e) when (e.Code != ErrorCodes.EgressFailed)
        {
            throw new PipeException(ErrorCodes.EgressFailed, e.Message, ExitCodes.UserError, e);
        }

        return new EgressReport(url.Text, written.Count, deleted.Count);
    }

    private static ParallelOptions Options(CancellationToken cancellationToken) => new() { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken };
}
