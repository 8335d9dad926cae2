using System.Text;
using PipeBuild.Engine;
using PipeBuild.Store;

namespace PipeBuild.WebConsole;

/// <summary>
/// Tells open pages that the store changed (a job started, progressed or ended; a pipeline was registered; a branch
/// moved), so they refresh themselves: the store has no change notifications (an S3 bucket has none to give), so
/// the server compares a small summary of it at an interval, and only while some page listens.
/// </summary>
internal sealed class ChangeFeed(VersionStore store, PipelineEngine engine, TimeSpan interval)
{
    private readonly SemaphoreSlim reading = new(1, 1);
    private (string Summary, DateTimeOffset At)? last;

    public TimeSpan Interval => interval;

    /// <summary>
    /// A short digest of <see cref="SummaryAsync"/>: a page carries the one it was made from, and <c>/events</c>
    /// compares against it first, so a change between making the page and listening is not missed.
    /// </summary>
    public async Task<string> VersionAsync(CancellationToken cancellationToken) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(await SummaryAsync(cancellationToken))))[..16];

    /// <summary>
    /// A summary that changes whenever a page could: every job's state and counts, every pipeline's version, every
    /// branch head. Listeners share one reading per interval.
    /// </summary>
    public async Task<string> SummaryAsync(CancellationToken cancellationToken)
    {
        await reading.WaitAsync(cancellationToken);
        try
        {
            if (last is { } recent && DateTimeOffset.UtcNow - recent.At < interval / 2)
            {
                return recent.Summary;
            }

            // Sorted: the store lists in no particular order, and an order that changed is no change.
            var lines = new List<string>();
            foreach (var job in await engine.Jobs.ListAsync(null, cancellationToken))
            {
                lines.Add($"job {job.Id} {job.State} {job.DatumsProcessed}/{job.DatumsSkipped}/{job.DatumsFailed}");
            }

            foreach (var pipeline in await engine.Registry.ListAsync(cancellationToken))
            {
                lines.Add($"pipeline {pipeline.Name} v{pipeline.Version}");
            }

            foreach (var repo in await store.ListReposAsync(cancellationToken))
            {
                foreach (var branch in await store.ListBranchesAsync(repo.Name, cancellationToken))
                {
                    lines.Add($"branch {repo.Name}@{branch.Name} {branch.Head} {branch.Open}");
                }
            }

            lines.Sort(StringComparer.Ordinal);
            var text = new StringBuilder();
            foreach (var line in lines)
            {
                text.Append(line).Append('\n');
            }

            last = (text.ToString(), DateTimeOffset.UtcNow);
            return last.Value.Summary;
        }
        finally
        {
            reading.Release();
        }
    }
}
