using PipeBuild.Core;
using PipeBuild.Core.Pipelines;

namespace PipeBuild.Evaluation;

/// <summary>
/// Reads a pipeline file of either kind, chosen by extension: <c>.pipeproj</c> (evaluated with MSBuild) or
/// <c>.json</c> (a Pachyderm spec). The spec comes back with <see cref="PipelineSpec.SourceFile"/> set to the
/// file's full path and <see cref="PipelineSpec.WorkingDirectory"/> to its folder.
/// </summary>
public static class PipelineLoader
{
    public const string ProjectExtension = ".pipeproj";
    public const string JsonExtension = ".json";

    /// <summary>
    /// The property naming the executor of a pipeline whose file names none (the workspace's default executor). It is
    /// the one property a JSON spec honours: Pachyderm's specs never name an executor.
    /// </summary>
    public const string DefaultExecutorProperty = "PipeDefaultExecutor";

    public static PipelineSpec Load(string path) => Load(path, new Dictionary<string, string>());

    /// <summary>
    /// Loads one pipeline; <paramref name="globalProperties"/> are <c>-p:Name=Value</c>, which only a
    /// <c>.pipeproj</c> can use (JSON has no properties: only <see cref="DefaultExecutorProperty"/> counts for it). Inputs without a branch read
    /// <paramref name="defaultBranch"/> (the workspace's), and the output goes to it. <paramref name="notice"/> hears
    /// what a JSON spec sets that has no effect here.
    /// </summary>
    public static PipelineSpec Load(string path, IReadOnlyDictionary<string, string> globalProperties, string defaultBranch = CommitRef.DefaultBranch, Action<string>? notice = null)
    {
        var specs = LoadAll(path, globalProperties, defaultBranch, notice: notice);
        if (specs.Count != 1)
        {
            throw PipelineErrors.Invalid(Path.GetFullPath(path), $"the file holds {specs.Count} pipeline specs, not one.", "Split it into one file per pipeline.");
        }

        return specs[0];
    }

    /// <summary>Every pipeline in the file: a JSON file may hold several specs one after the other, as Pachyderm allows.</summary>
    /// <param name="cache">where to remember .pipeproj evaluations (none: always evaluate)</param>
    public static IReadOnlyList<PipelineSpec> LoadAll(
        string path, IReadOnlyDictionary<string, string>? globalProperties = null, string defaultBranch = CommitRef.DefaultBranch, EvaluationCache? cache = null, Action<string>? notice = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        var full = Path.GetFullPath(path);
        var isProject = IsProject(full);
        if (!isProject && !Path.GetExtension(full).Equals(JsonExtension, StringComparison.OrdinalIgnoreCase))
        {
            throw new PipeException(
                ErrorCodes.UnsupportedPipelineFile,
                $"{full}: '{Path.GetExtension(full)}' is not a pipeline file type. Use a {ProjectExtension} project or a Pachyderm {JsonExtension} spec (dotnet pipe pipeline convert turns a spec into a {ProjectExtension}).");
        }

        if (!File.Exists(full))
        {
            throw new PipeException(ErrorCodes.PipelineFileNotFound, $"pipeline file '{full}' not found. Check the path.");
        }

        IReadOnlyList<PipelineSpec> specs;
        try
        {
            specs = isProject
                ? [cache?.Evaluate(full, globalProperties ?? new Dictionary<string, string>(), defaultBranch) ?? PipeprojEvaluator.Evaluate(full, globalProperties, defaultBranch)]
                : [.. PachydermSpecReader.ReadFile(full, defaultBranch, notice).Select(s => s with { Executor = JsonExecutor(globalProperties) })];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new PipeException(ErrorCodes.PipelineFileNotFound, $"pipeline file '{full}' cannot be read: {e.Message.TrimEnd('.')}. Check the path and its permissions.", inner: e);
        }

        var folder = Path.GetDirectoryName(full);
        return [.. specs.Select(s => s with { SourceFile = full, WorkingDirectory = folder })];
    }

    /// <summary>Whether the file is a <c>.pipeproj</c>, which MSBuild evaluates (with <c>-p:Name=Value</c> properties).</summary>
    public static bool IsProject(string path) => Path.GetExtension(path).Equals(ProjectExtension, StringComparison.OrdinalIgnoreCase);

    private static string JsonExecutor(IReadOnlyDictionary<string, string>? globalProperties)
    {
        if (globalProperties?.FirstOrDefault(p => p.Key.Equals(DefaultExecutorProperty, StringComparison.OrdinalIgnoreCase)).Value is not { } value)
        {
            return ExecutorNames.Local;
        }

        var executor = value.Trim().ToLowerInvariant();
        return ExecutorNames.All.Contains(executor)
            ? executor
            : throw new PipeException(ErrorCodes.InvalidArguments, $"{DefaultExecutorProperty} '{value}' is not an executor. Use {ExecutorNames.Listed}.");
    }
}
