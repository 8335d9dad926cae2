namespace PipeBuild.Store;

/// <summary>What <c>gc</c> kept and removed.</summary>
public sealed record GcReport(int Reachable, int Removed, long BytesRemoved, int KeptYoung);
