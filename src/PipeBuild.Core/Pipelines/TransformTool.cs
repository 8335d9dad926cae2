namespace PipeBuild.Core.Pipelines;

/// <summary>One command of a <see cref="TransformPackage"/>: its name and the full path of its entry point.</summary>
/// <param name="Runner">how the entry point runs: <c>dotnet</c> (a framework-dependent .dll) or <c>executable</c></param>
public sealed record TransformTool(string Command, string EntryPoint, string Runner);
