namespace PipeBuild.Store;

/// <summary>What <c>gc</c> kept and removed.</summary>
/// <param name="Reachable">Objects reached from the commits kept and the roots.</param>
/// <param name="Removed">Objects removed.</param>
/// <param name="BytesRemoved">Their bytes.</param>
/// <param name="KeptYoung">Unreachable objects and commits kept because they are younger than the grace period (writes in progress).</param>
/// <param name="CommitsRemoved">Commits no branch, kept commit, job or provenance reached: written by a command killed before it published them, or deleted.</param>
public sealed record GcReport(int Reachable, int Removed, long BytesRemoved, int KeptYoung, int CommitsRemoved);
