using PipeBuild.Core.Pipelines;
using PipeBuild.Store;

namespace PipeBuild.Engine;

/// <summary>
/// The clock of cron inputs (Pachyderm's <c>input.cron</c>, docs/pipeproj.md#cron-inputs): the ticks due since the newest
/// tick file in the input's repo (or since its start, or the repo's creation), committed before a run looks at the
/// pipeline, so <c>run</c> and <c>watch</c> fire them and catch up the ones missed while nothing ran.
/// </summary>
public sealed class CronTicks(VersionStore store, TimeProvider time)
{
    /// <summary>Ticks one catch-up commits at most (the newest): a schedule of seconds left alone for a year would otherwise write millions of files.</summary>
    public const int MaxCatchUp = 1000;

    /// <summary>The ticks due now for each cron input of <paramref name="spec"/>, without committing them.</summary>
    public async Task<IReadOnlyList<(PfsInput Input, IReadOnlyList<DateTimeOffset> Ticks)>> DueAsync(PipelineSpec spec, CancellationToken cancellationToken)
    {
        var due = new List<(PfsInput, IReadOnlyList<DateTimeOffset>)>();
        foreach (var input in spec.Input.Leaves().Where(l => l.Cron is not null))
        {
            var (ticks, _) = await ReadAsync(input, cancellationToken);
            if (ticks.Count > 0)
            {
                due.Add((input, ticks));
            }
        }

        return due;
    }

    /// <summary>
    /// Commits the due ticks of each cron input: one commit per input, a file per tick (named by its time, empty), or
    /// with <see cref="CronSchedule.Overwrite"/> the newest tick's file in place of the old one. Returns the ticks committed.
    /// </summary>
    public async Task<int> CommitDueAsync(PipelineSpec spec, CancellationToken cancellationToken)
    {
        var committed = 0;
        foreach (var input in spec.Input.Leaves().Where(l => l.Cron is not null))
        {
            var (ticks, existing) = await ReadAsync(input, cancellationToken);
            if (ticks.Count == 0)
            {
                continue;
            }

            var overwrite = input.Cron!.Overwrite;
            var files = overwrite ? [ticks[^1]] : ticks;
            var empty = await store.Content.WriteAsync(ReadOnlyMemory<byte>.Empty, cancellationToken);
            var written = await store.TryWriteAsync(
                new Core.CommitRef(input.Repo, input.Branch, [], null),
                ticks.Count == 1 ? $"cron tick {CronSchedule.FileName(ticks[0])}" : $"cron ticks {CronSchedule.FileName(ticks[0])} to {CronSchedule.FileName(ticks[^1])}",
                async (editor, ct) =>
                {
                    var changed = false;
                    foreach (var tick in files)
                    {
                        // Another run may have committed it meanwhile: the edit sees the tree it would change.
                        if (await editor.GetAsync(CronSchedule.FileName(tick), ct) is null)
                        {
                            await editor.SetFileAsync(CronSchedule.FileName(tick), empty, ct);
                            changed = true;
                        }
                    }

                    foreach (var old in overwrite && changed ? existing : [])
                    {
                        await editor.DeleteAsync(old, ct);
                    }

                    return changed;
                },
                cancellationToken);
            committed += written is null ? 0 : files.Count;
        }

        return committed;
    }

    /// <summary>The ticks due for <paramref name="input"/>, and the tick files its branch holds now.</summary>
    private async Task<(IReadOnlyList<DateTimeOffset> Due, IReadOnlyList<string> Existing)> ReadAsync(PfsInput input, CancellationToken cancellationToken)
    {
        var schedule = input.Cron!;
        var existing = new List<string>();
        DateTimeOffset? newest = null;
        if ((await store.TryGetBranchAsync(input.Repo, input.Branch, cancellationToken))?.Head is { } head)
        {
            var commit = await store.GetCommitAsync(input.Repo, head, cancellationToken);
            await foreach (var entry in (await store.Content.ReadListingAsync(commit.Tree, cancellationToken)).EntriesAsync(cancellationToken))
            {
                if (!entry.IsDirectory && CronSchedule.TimeOf(entry.Name) is { } tick)
                {
                    existing.Add(entry.Name);
                    newest = newest is null || tick > newest ? tick : newest;
                }
            }
        }

        // A pipeline not registered yet (status of a new .pipeproj) has no repo: its ticks start when registering makes it.
        var since = newest ?? schedule.Start ?? (await store.ListReposAsync(cancellationToken)).FirstOrDefault(r => r.Name == input.Repo)?.Created;
        return (since is { } from ? schedule.Between(from, time.GetUtcNow(), MaxCatchUp) : [], existing);
    }
}
