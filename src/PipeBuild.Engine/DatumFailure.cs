namespace PipeBuild.Engine;

/// <summary>A datum that failed every try: which one, why, and where its log is kept.</summary>
public sealed record DatumFailure(string DatumId, string Description, string Reason, string? LogHash);
