namespace PipeBuild.Engine;

/// <summary>A job's counts as it runs, for progress displays.</summary>
public sealed record JobProgress(string Pipeline, string JobId, int Total, int Processed, int Skipped, int Failed)
{
    public int Done => Processed + Skipped + Failed;
}
