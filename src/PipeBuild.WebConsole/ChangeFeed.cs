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

            var text = new StringBuilder();
            foreach (var job in await engine.Jobs.ListAsync(null, cancellationToken))
            {
                text.Append(job.Id).Append(' ').Append(job.State).Append(' ').Append(job.DatumsProcessed).Append('/').Append(job.DatumsSkipped).Append('/').Append(job.DatumsFailed).Append('\n');
            }

            foreach (var pipeline in await engine.Registry.ListAsync(cancellationToken))
            {
                text.Append(pipeline.Name).Append(" v").Append(pipeline.Version).Append('\n');
            }

            foreach (var repo in await store.ListReposAsync(cancellationToken))
            {
                foreach (var branch in await store.ListBranchesAsync(repo.Name, cancellationToken))
                {
                    text.Append(repo.Name).Append('@').Append(branch.Name).Append(' ').Append(branch.Head).Append(' ').Append(branch.Open).Append('\n');
                }
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
