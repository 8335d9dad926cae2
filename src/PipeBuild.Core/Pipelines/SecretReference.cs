using System.Text.RegularExpressions;

namespace PipeBuild.Core.Pipelines;

/// <summary>
/// A secret a transform is given (Pachyderm's <c>transform.secrets</c> entry, <c>&lt;PipeSecret&gt;</c> in a
/// <c>.pipeproj</c>): the value of <see cref="Key"/> as the variable <see cref="EnvVar"/>, and/or every key of the
/// secret as a file under <see cref="MountPath"/>. Only the reference is part of a spec (and so of what is stored);
/// the values stay in the workspace's secret folder (docs/pipeproj.md#secrets).
/// </summary>
public sealed partial record SecretReference(string Name, string? Key = null, string? EnvVar = null, string? MountPath = null)
{
    public const string NameRule = "Use a Kubernetes secret name: 1 to 253 lower-case letters, digits, '-' and '.', starting and ending with a letter or digit.";

    public const string KeyRule = "Use a Kubernetes secret key: letters, digits, '-', '_' and '.' (not '.' or '..').";

    /// <summary>A Kubernetes Secret's name (a DNS subdomain), which is also the folder its values are kept in.</summary>
    public static bool IsName(string? name) => name is { Length: > 0 and <= 253 } && NamePattern().IsMatch(name);

    /// <summary>A Kubernetes Secret's data key, which is also the name of the file it is mounted as.</summary>
    public static bool IsKey(string? key) => key is { Length: > 0 and <= 253 } and not "." and not ".." && KeyPattern().IsMatch(key);

    /// <summary>What is wrong with this reference, as (the field, the message, how to fix it), or null.</summary>
    public (string Field, string Message, string Hint)? Problem()
    {
        if (!IsName(Name))
        {
            return ("name", $"'{Name}' is not a secret name.", NameRule);
        }

        if (EnvVar is null && MountPath is null)
        {
            return ("env_var", $"secret '{Name}' is given neither as a variable nor as files.", "Set env_var (with key) for a variable, mount_path for files, or both.");
        }

        if (EnvVar is not null && !Names.IsEnvName(EnvVar))
        {
            return ("env_var", $"invalid environment variable name '{EnvVar}'.", Names.EnvNameRule);
        }

        if (EnvVar is not null && (EnvVar.StartsWith("PIPE_", StringComparison.Ordinal) || EnvVar.StartsWith("PACH_", StringComparison.Ordinal) || EnvVar == "PATH"))
        {
            return ("env_var", $"the variable {EnvVar} is PipeBuild's to set.", "Name it otherwise: PIPE_*, PACH_* and PATH describe the job, the datum and the tools.");
        }

        if (EnvVar is not null && Key is null)
        {
            return ("key", $"secret '{Name}' sets env_var {EnvVar} but no key.", "Name the key of the secret whose value the variable takes.");
        }

        if (Key is not null && !IsKey(Key))
        {
            return ("key", $"'{Key}' is not a secret key.", KeyRule);
        }

        if (MountPath is not null && !(MountPath.StartsWith('/') && !MountPath.Split('/').Any(p => p is "." or "..") && !MountPath.Any(char.IsControl)))
        {
            return ("mount_path", $"mount_path '{MountPath}' is not an absolute path.", "Give the folder the secret's files appear in from the root, as in /var/secrets/db.");
        }

        if (MountPath is not null && MountPath.TrimEnd('/') is var folder && (folder.Length == 0 || folder == "/pfs" || folder.StartsWith("/pfs/", StringComparison.Ordinal)))
        {
            return ("mount_path", $"mount_path '{MountPath}' would hide {(folder.Length == 0 ? "the whole file system" : "the datum's /pfs")}.", "Mount the secret outside /pfs, as in /var/secrets/db.");
        }

        return null;
    }

    [GeneratedRegex(@"^[a-z0-9]([a-z0-9.-]*[a-z0-9])?\z", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();

    [GeneratedRegex(@"^[A-Za-z0-9._-]+\z", RegexOptions.CultureInvariant)]
    private static partial Regex KeyPattern();
}
