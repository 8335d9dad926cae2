using PipeBuild.Engine;

namespace PipeBuild.Cli;

/// <summary>The columns of <c>job list</c>.</summary>
internal static class JobRow
{
    public static (string[] Headers, IEnumerable<string[]> Rows) Table(IReadOnlyList<JobInfo> jobs) =>
        (["JOB", "PIPELINE", "STARTED", "DURATION", "STATE", "DATUMS (RAN/REUSED/FAILED/TOTAL)", "DOWNLOADED", "UPLOADED"],
        jobs.Select(j => new[]
        {
            j.Id, j.Pipeline, Cli.Ago(j.Started), j.Duration is { } d ? $"{d.TotalSeconds:0.0} s" : "-", j.State.ToString().ToLowerInvariant(),
            $"{j.DatumsProcessed}/{j.DatumsSkipped}/{j.DatumsFailed}/{j.DatumsTotal}", Cli.Bytes(j.BytesDownloaded), Cli.Bytes(j.BytesUploaded),
        }));
}
