namespace PipeBuild.Workers;

/// <summary>
/// Who runs an item. Written by compare-and-swap: absent → claimed, and a claim whose version stopped changing
/// for a lease → reclaimed (<see cref="Attempt"/> + 1). The owner bumps <see cref="Beat"/> while it runs.
/// </summary>
public sealed record WorkClaim(string Worker, int Attempt, long Beat);
