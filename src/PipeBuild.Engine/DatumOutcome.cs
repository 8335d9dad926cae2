namespace PipeBuild.Engine;

/// <summary>What one try of a datum did: success or the reason it failed, and its outputs (its log is in <see cref="DatumWork.Log"/>).</summary>
public sealed record DatumOutcome(bool Succeeded, string? Reason, IReadOnlyList<OutputFile> Outputs, long BytesRead, long BytesWritten)
{
    public static DatumOutcome Failed(string reason, long bytesRead = 0) => new(false, reason, [], bytesRead, 0);
}
