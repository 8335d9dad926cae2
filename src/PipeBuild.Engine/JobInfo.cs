using System.Globalization;
using PipeBuild.Store;

namespace PipeBuild.Engine;

/// <summary>One run of a pipeline against one set of input commits, as <c>job list</c> / <c>job inspect</c> show it.</summary>
public sealed record JobInfo
{
    public required string Id { get; init; }

    public required string Pipeline { get; init; }

    public JobState State { get; init; }

    public DateTimeOffset Started { get; init; }

    public DateTimeOffset? Finished { get; init; }

    /// <summary>The process running the job (null for jobs of versions before owners were recorded).</summary>
    public JobOwner? Owner { get; init; }

    /// <summary>When the owner last said it was still running the job (<see cref="JobStore.HeartbeatInterval"/>).</summary>
    public DateTimeOffset? Heartbeat { get; init; }

    /// <summary>The input commits the job read.</summary>
    public IReadOnlyList<CommitProvenance> Inputs { get; init; } = [];

    public string? TransformHash { get; init; }

    /// <summary>The input definition the job planned (<see cref="JobRunner.InputIdentity"/>); null for jobs of versions before it.</summary>
    public string? InputHash { get; init; }

    public int DatumsTotal { get; init; }

    public int DatumsProcessed { get; init; }

    public int DatumsSkipped { get; init; }

    public int DatumsFailed { get; init; }

    /// <summary>
    /// Datums that failed and whose error handler then succeeded (counted in <see cref="DatumsProcessed"/> too): they
    /// wrote nothing to the output and did not fail the job. Null (not written) when there were none.
    /// </summary>
    public int? DatumsRecovered { get; init; }

    /// <summary>What its datums did, as people read it: "3 ran (1 recovered), 2 reused, 0 failed".</summary>
    public string DatumSummary =>
        string.Create(CultureInfo.InvariantCulture, $"{DatumsProcessed} ran{(DatumsRecovered is > 0 ? $" ({DatumsRecovered} recovered)" : "")}, {DatumsSkipped} reused, {DatumsFailed} failed");

    public long BytesDownloaded { get; init; }

    public long BytesUploaded { get; init; }

    /// <summary>The output commit, when the job succeeded (or published it, then failed to copy it to its egress).</summary>
    public string? OutputCommit { get; init; }

    /// <summary>Where the output commit was copied (the pipeline's egress URL), once it was; null when it has none.</summary>
    public EgressReport? Egress { get; init; }

    public string? Reason { get; init; }

    public IReadOnlyList<DatumFailure> Failures { get; init; } = [];

    /// <summary>
    /// The stored <see cref="Engine.DatumTable"/>: every datum of the job with its result key and whether it ran,
    /// was reused or failed (<see cref="JobStore.GetDatumsAsync"/>). Kept out of the record, which every
    /// <c>job list</c> and up-to-date check reads, because it grows with the number of datums.
    /// </summary>
    public FileContent? DatumTable { get; init; }

    public TimeSpan? Duration => Finished - Started;
}
