using System.Runtime.CompilerServices;
using PipeBuild.Core;
using PipeBuild.Core.Pipelines;

namespace PipeBuild.Evaluation;

/// <summary>
/// Evaluates a <c>.pipeproj</c> with the installed SDK's MSBuild (conditions, property functions, imports,
/// <c>Directory.Build.props</c>, <c>Sdk="PipeBuild.Sdk"</c>) and reads the pipeline from the result. Safe to call
/// any number of times, from any thread; evaluations run one at a time.
/// </summary>
public static class PipeprojEvaluator
{
    /// <summary>
    /// The folder holding <c>PipeBuild.Sdk/Sdk/Sdk.props</c>: by default the <c>Sdks</c> folder that ships beside
    /// this assembly. MSBuild's default SDK resolver is pointed here during an evaluation.
    /// </summary>
    public static string SdksDirectory { get; set; } = Path.Combine(
        Path.GetDirectoryName(typeof(PipeprojEvaluator).Assembly.Location) is { Length: > 0 } dir ? dir : AppContext.BaseDirectory,
        "Sdks");

    /// <summary>
    /// Evaluates <paramref name="path"/>; <paramref name="globalProperties"/> are <c>-p:Name=Value</c>. Inputs without
    /// a Branch read <paramref name="defaultBranch"/> (the workspace's), and the output goes to it.
    /// </summary>
    public static PipelineSpec Evaluate(string path, IReadOnlyDictionary<string, string>? globalProperties = null, string defaultBranch = CommitRef.DefaultBranch) =>
        EvaluateWithInputs(path, globalProperties, defaultBranch).Spec;

    /// <summary>Evaluates <paramref name="path"/> and says which files the result depends on (for <see cref="EvaluationCache"/>).</summary>
    public static PipeprojEvaluation EvaluateWithInputs(string path, IReadOnlyDictionary<string, string>? globalProperties = null, string defaultBranch = CommitRef.DefaultBranch)
    {
        ArgumentNullException.ThrowIfNull(path);
        MSBuildRegistration.EnsureRegistered();
        return Read(Path.GetFullPath(path), globalProperties ?? new Dictionary<string, string>(), defaultBranch);
    }

    // Kept out of line: compiling a method that touches Microsoft.Build types loads MSBuild, and that must wait
    // until the locator has registered the SDK's copy.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static PipeprojEvaluation Read(string path, IReadOnlyDictionary<string, string> globalProperties, string defaultBranch) =>
        PipeprojReader.Read(path, globalProperties, SdksDirectory, defaultBranch);
}
