namespace PipeBuild.Engine;

/// <summary>
/// A successful datum's outputs, stored once under its datum hash in the results index (like Bazel's action
/// cache): any later job, branch or rollback with the same inputs and transform reuses it without running.
/// </summary>
public sealed record DatumResult(IReadOnlyList<OutputFile> Outputs, string? LogHash, double Seconds);
