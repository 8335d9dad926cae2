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
        .. spec.Secrets.Count == 0 ? [] : new[] { ("Secrets", string.Join(", ", spec.Secrets.Select(Describe))) },
        ("Executor", spec.Executor), ("Parallelism", spec.Parallelism == 0 ? $"{Environment.ProcessorCount} (processors)" : spec.Parallelism.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ("Datum tries", spec.DatumTries.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("Inputs", string.Join(", ", spec.Input.Leaves().Select(Describe))),
        ("Output", $"{spec.Name}@{spec.OutputBranch}"),
        .. spec.Service is { } service ? new[] { ("Service", $"port {service.InternalPort}, published as {service.ExternalPort}{(service.Type is null ? "" : $", {service.Type}")}: served under 'dotnet pipe watch'") } : [],
        .. spec.Spout ? new[] { ("Spout", "yes: its process runs under 'dotnet pipe watch' and commits with 'dotnet pipe file put'") } : [],
        .. spec.Egress is null ? [] : new[] { ("Egress", spec.Egress.Text) },
        .. new[] { ("Datum timeout", spec.DatumTimeout), ("Job timeout", spec.JobTimeout) }.Where(t => t.Item2 is not null).Select(t => (t.Item1, $"{t.Item2!.Value.TotalSeconds:0.###} s")),
        ("Transform files", string.Join(", ", spec.TransformFiles)),
    ];

    /// <summary>A secret as <c>NAME[KEY] as $VAR</c> and/or <c>NAME at /FOLDER</c>: where it goes, never what it holds.</summary>
    private static string Describe(SecretReference secret) => string.Join(
        " and ",
        new[] { secret.EnvVar is { } variable ? $"{secret.Name}[{secret.Key}] as ${variable}" : null, secret.MountPath is { } folder ? $"{secret.Name} at {folder}" : null }.OfType<string>());

    /// <summary>An input as <c>NAME=REPO@BRANCH:GLOB</c>, with what changes how it is read (a cron schedule, empty files).</summary>
    private static string Describe(PfsInput input) =>
        $"{input.InputName}={input.Repo}@{input.Branch}:{input.Glob}"
        + (input.Cron is { } cron ? $" (cron {cron.Spec}{(cron.Start is { } start ? $" from {CronSchedule.FileName(start)}" : "")}{(cron.Overwrite ? ", overwrite" : "")})" : "")
        + (input.EmptyFiles ? " (empty files)" : "");
}
