namespace PipeBuild.Engine;

/// <summary>What one try of a datum did: success or the reason it failed, its outputs and its log.</summary>
public sealed record DatumOutcome(bool Succeeded, string? Reason, IReadOnlyList<OutputFile> Outputs, string Log, long BytesRead, long BytesWritten)
{
    public static DatumOutcome Failed(string reason, string log, long bytesRead = 0) => new(false, reason, [], log, bytesRead, 0);
}
