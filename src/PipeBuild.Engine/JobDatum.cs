namespace PipeBuild.Engine;

/// <summary>A datum of a job (<c>datum list</c>): its id, what it read, its result key and what happened to it.</summary>
public sealed record JobDatum(string Id, string Description, string Hash, DatumState State, string? LogHash = null);
