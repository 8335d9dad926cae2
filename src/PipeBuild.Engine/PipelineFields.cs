using PipeBuild.Core.Pipelines;

namespace PipeBuild.Engine;

/// <summary>A pipeline's definition as field and value lines: what <c>pipeline inspect</c> and the console show.</summary>
public static class PipelineFields
{
    public static IReadOnlyList<(string Field, string Value)> Of(PipelineSpec spec) =>
    [
        ("Name", spec.Name), ("Description", spec.Description ?? ""), ("Source", spec.SourceFile ?? "-"),
        ("Command", string.Join(' ', spec.Command)), ("Stdin", string.Join(" \\n ", spec.Stdin)),
        .. spec.ErrorCommand.Count == 0 ? [] : new[] { ("Error command", string.Join(' ', spec.ErrorCommand)), ("Error stdin", string.Join(" \\n ", spec.ErrorStdin)) },
        ("Image", spec.Image ?? "-"),
        .. spec.WorkingDir is { } workingDir ? new[] { ("Working dir", workingDir) } : [],
        .. spec.User is { } user ? new[] { ("User", user) } : [],
        ("Executor", spec.Executor), ("Parallelism", spec.Parallelism == 0 ? $"{Environment.ProcessorCount} (processors)" : spec.Parallelism.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ("Datum tries", spec.DatumTries.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("Inputs", string.Join(", ", spec.Input.Leaves().Select(l => $"{l.InputName}={l.Repo}@{l.Branch}:{l.Glob}"))),
        ("Output", $"{spec.Name}@{spec.OutputBranch}"),
        ("Transform files", string.Join(", ", spec.TransformFiles)),
    ];
}
