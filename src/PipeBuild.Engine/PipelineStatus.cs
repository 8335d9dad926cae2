namespace PipeBuild.Engine;

/// <summary>Whether a pipeline is up to date and, if not, why (like MSBuild's up-to-date reasons or <c>dvc status</c>).</summary>
public sealed record PipelineStatus(string Pipeline, bool UpToDate, IReadOnlyList<string> Reasons, int Datums, int New, int Changed, int Removed);
