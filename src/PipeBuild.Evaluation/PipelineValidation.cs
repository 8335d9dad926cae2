using System.Globalization;
using System.Text.RegularExpressions;
using PipeBuild.Core;
using PipeBuild.Core.Pipelines;

namespace PipeBuild.Evaluation;

/// <summary>Checks shared by both file formats, so a pipeline is refused with the same rule whichever way it came.</summary>
internal static partial class PipelineValidation
{
    public const string NameRule = "Use 1 to 63 letters, digits, '_' or '-'.";

    public static string Name(string? value, string what, string where)
    {
        if (!Names.IsValid(value))
        {
            throw PipelineErrors.Invalid(where, $"invalid {what} '{value}'.", NameRule);
        }

        return value!;
    }

    public static string Glob(string glob, string where)
    {
        try
        {
            GlobPattern.Parse(glob);
        }
        catch (PipeException e)
        {
            throw PipelineErrors.Invalid(where, e.Message, "Fix the glob (Pachyderm syntax: /*, /**, /dir/*.csv, /(*).txt).");
        }

        return glob;
    }

    public static CronSchedule Cron(string spec, string where) =>
        CronSchedule.Problem(spec) is { } problem
            ? throw PipelineErrors.Invalid(where, $"invalid cron schedule '{spec}': {problem}.", "Write a cron expression (\"*/10 * * * *\", six fields with seconds first, @hourly, @daily) or @every DURATION (\"@every 10s\", \"@every 1h30m\"); times are UTC.")
            : new CronSchedule(spec.Trim());

    /// <summary>
    /// A pfs input's trigger (<see cref="BranchTrigger"/>), checked as <c>branch create --trigger</c> checks it; an error names
    /// the field as <paramref name="field"/> spells it in the file (its name and where it is) for Pachyderm's field name.
    /// </summary>
    public static BranchTrigger Trigger(BranchTrigger trigger, string triggered, Func<string, (string Name, string Where)> field)
    {
        if (trigger.Problem(triggered) is { } problem)
        {
            var (name, where) = field(problem.Field);
            throw PipeException.At(where, ErrorCodes.InvalidPipelineValue, $"'{name}': {problem.Message}");
        }

        return trigger;
    }

    /// <summary>A time as a spec writes one (a cron input's start): RFC 3339, UTC unless it says otherwise.</summary>
    public static DateTimeOffset Time(string text, string what, string where) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? time
            : throw PipelineErrors.Invalid(where, $"{what} \"{text}\" is not a time.", "Write it in RFC 3339, as in \"2026-01-01T00:00:00Z\".");

    public static EgressUrl Egress(string url, string where)
    {
        try
        {
            return EgressUrl.Parse(url);
        }
        catch (PipeException e)
        {
            throw PipelineErrors.Invalid(where, e.Message, EgressUrl.Hint);
        }
    }

    /// <summary>An absolute folder: a container's path (/code), or one of this machine for the local executor.</summary>
    public static string WorkingDir(string value, string what, string where)
    {
        if (!(value.StartsWith('/') || Path.IsPathFullyQualified(value)) || value.Any(char.IsControl))
        {
            throw PipelineErrors.Invalid(where, $"{what} '{value}' is not an absolute path.", "Give the folder the command runs in from the root, as in /code.");
        }

        return value;
    }

    /// <summary>A TCP port, 1 to 65535 (a service's internal or external port).</summary>
    public static int Port(string text, string what, string where) =>
        int.TryParse(text.Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port) && port is >= 1 and <= 65535
            ? port
            : throw PipelineErrors.Invalid(where, $"{what} '{text.Trim()}' is not a port.", "Use a TCP port from 1 to 65535.");

    /// <summary>A service's type: one of Kubernetes' (<see cref="ServiceSettings.Types"/>), any case, returned as Kubernetes spells it.</summary>
    public static string ServiceType(string value, string what, string where) =>
        ServiceSettings.Types.FirstOrDefault(t => t.Equals(value.Trim(), StringComparison.OrdinalIgnoreCase))
        ?? throw PipelineErrors.Invalid(where, $"{what} '{value}' is not a service type.", $"Use {string.Join(", ", ServiceSettings.Types)}.");

    /// <summary>A user as docker takes it: a name or uid, optionally :group or :gid.</summary>
    public static string User(string value, string what, string where)
    {
        if (!UserPattern().IsMatch(value))
        {
            throw PipelineErrors.Invalid(where, $"{what} '{value}' is not a user.", "Give a user name or uid, optionally with :group or :gid, as in 1000, 1000:1000 or nobody.");
        }

        return value;
    }

    public static string EnvName(string name, string where)
    {
        if (!Names.IsEnvName(name))
        {
            throw PipelineErrors.Invalid(where, $"invalid environment variable name '{name}'.", Names.EnvNameRule);
        }

        return name;
    }

    /// <summary>
    /// A transform's secrets: each reference valid (<see cref="SecretReference.Problem"/>), no variable set twice (by two
    /// secrets, or by a secret and the pipeline's env) and no folder mounted twice. An error names the field as
    /// <c>where</c> spells it in the file (its name and where it is) for Pachyderm's field name.
    /// </summary>
    public static void Secrets(IReadOnlyList<(SecretReference Secret, Func<string, (string Name, string Where)> Where)> secrets, IReadOnlyList<KeyValuePair<string, string>> env)
    {
        var variables = env.Select(e => e.Key).ToHashSet(StringComparer.Ordinal);
        var mounts = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (secret, where) in secrets)
        {
            if (secret.Problem() is var (field, message, hint))
            {
                var (name, at) = where(field);
                throw PipelineErrors.Invalid(at, $"'{name}': {message}", hint);
            }

            if (secret.EnvVar is { } variable && !variables.Add(variable))
            {
                var (name, at) = where("env_var");
                throw PipelineErrors.Invalid(at, $"'{name}': the variable {variable} is already set{(env.Any(e => e.Key == variable) ? " by the pipeline's env" : " by another secret")}.", "Give each variable one source.");
            }

            if (secret.MountPath?.TrimEnd('/') is { } folder && !mounts.Add(folder))
            {
                var (name, at) = where("mount_path");
                throw PipelineErrors.Invalid(at, $"'{name}': two secrets are mounted at {folder}.", "Mount each secret in a folder of its own.");
            }
        }
    }

    /// <summary>Every leaf has valid names and glob; joins and groups say what to match on; no combination is empty.</summary>
    public static void Input(PipelineInput input, string where)
    {
        switch (input)
        {
            case PfsInput pfs:
                Name(pfs.Repo, "input repo name", where);
                Name(pfs.Branch, $"branch name for input '{pfs.Repo}'", where);
                if (pfs.Name is not null)
                {
                    Name(pfs.Name, $"input name for repo '{pfs.Repo}'", where);
                }

                Glob(pfs.Glob, where);
                break;
            case CrossInput { Inputs.Count: 0 } or UnionInput { Inputs.Count: 0 } or JoinInput { Inputs.Count: 0 } or GroupInput { Inputs.Count: 0 }:
                throw PipelineErrors.Invalid(where, $"a {Kind(input)} input has no inputs.", "Give it at least one repo input.");
            case CrossInput cross:
                cross.Inputs.ToList().ForEach(i => Input(i, where));
                DistinctNames(cross.Inputs, "cross", where);
                break;
            case UnionInput union:
                union.Inputs.ToList().ForEach(i => Input(i, where));
                break;
            case JoinInput join:
                // Without a JoinOn every file has the empty key, so all of them join (Pachyderm's workers do the same).
                join.Inputs.ToList().ForEach(i => Input(i, where));
                DistinctNames(join.Inputs, "join", where);
                break;
            case GroupInput group:
                Keyed(group.Inputs, p => p.GroupBy, "group", "GroupBy", "/(*)-*.csv", where);
                DistinctNames(group.Inputs, "group", where);
                break;
        }
    }

    /// <summary>
    /// The parts of a cross, join or group meet in one datum, each under /pfs/NAME: two with one name would write the
    /// same folder. (A union's parts may share a name: a datum holds one of them.)
    /// </summary>
    private static void DistinctNames(IEnumerable<PipelineInput> parts, string kind, string where)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var names in parts.Select(p => p.Leaves().Select(l => l.InputName).ToHashSet(StringComparer.Ordinal)))
        {
            if (names.FirstOrDefault(n => !seen.Add(n)) is { } twice)
            {
                throw PipelineErrors.Invalid(where, $"two inputs of a {kind} input are named '{twice}': both would be /pfs/{twice}.", "Give one of them another Name (PipeInput's Name metadata, or \"name\" in a spec file).");
            }
        }
    }

    /// <summary>Group inputs: each one valid, and each with its key (<paramref name="property"/>).</summary>
    private static void Keyed(IEnumerable<PfsInput> inputs, Func<PfsInput, string?> key, string kind, string property, string globExample, string where)
    {
        foreach (var pfs in inputs)
        {
            Input(pfs, where);
            if (string.IsNullOrEmpty(key(pfs)))
            {
                throw PipelineErrors.Invalid(where, $"{kind} input '{pfs.InputName}' has no {property}.", $"Capture part of the path in its glob, e.g. {globExample}, and set {property} to $1.");
            }
        }
    }

    public static string Kind(PipelineInput input) => input switch
    {
        CrossInput => "cross",
        UnionInput => "union",
        JoinInput => "join",
        GroupInput => "group",
        _ => "pfs",
    };

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9_.-]*(?::[A-Za-z0-9_][A-Za-z0-9_.-]*)?\z", RegexOptions.CultureInvariant)]
    private static partial Regex UserPattern();
}
