using System.Text.RegularExpressions;

namespace PipeBuild.Core;

/// <summary>
/// Validation of repo, branch and pipeline names (Pachyderm's rule: letters, digits, '_' and '-'), not starting with
/// '-': a command line would read such a name as an option.
/// </summary>
public static partial class Names
{
    public const int MaxLength = 63;

    public static bool IsValid(string? name) =>
        !string.IsNullOrEmpty(name) && name.Length <= MaxLength && ValidName().IsMatch(name);

    /// <summary>How an environment variable's name is written (a PipeEnv's, a secret's env_var), for messages.</summary>
    public const string EnvNameRule = "Use letters, digits and '_', not starting with a digit.";

    /// <summary>A name a transform's environment variable may have: letters, digits and '_', not starting with a digit.</summary>
    public static bool IsEnvName(string name) => EnvName().IsMatch(name);

    /// <summary>An S3 bucket name: 3 to 63 lower-case letters, digits, '-' or '.'.</summary>
    public static bool IsBucketName(string bucket) =>
        bucket.Length is >= 3 and <= 63 && bucket.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '.');

    /// <summary>
    /// <c>BUCKET/PREFIX</c> (an <c>s3://</c> URL after its scheme) split as the S3 store and egress both read it: the
    /// prefix without slashes at its ends; <c>Problem</c> says what is wrong with either, or is null.
    /// </summary>
    public static (string Bucket, string Prefix, string? Problem) SplitS3(string location)
    {
        var slash = location.IndexOf('/');
        var bucket = slash < 0 ? location : location[..slash];
        var prefix = slash < 0 ? "" : location[(slash + 1)..].Trim('/');
        var problem = !IsBucketName(bucket) ? $"'{bucket}' is not a bucket name (3 to 63 lower-case letters, digits, '-' or '.')"
            : prefix.Contains("//", StringComparison.Ordinal) || prefix.Split('/').Any(p => p is "." or "..") ? $"the prefix '{prefix}' has an empty, '.' or '..' segment"
            : null;
        return (bucket, prefix, problem);
    }

    /// <summary>Throws <see cref="ErrorCodes.InvalidName"/> unless <paramref name="name"/> is valid.</summary>
    public static string Validate(string? name, string kind)
    {
        if (!IsValid(name))
        {
            throw new PipeException(
                ErrorCodes.InvalidName,
                $"invalid {kind} name '{name}': use 1 to {MaxLength} letters, digits, '_' or '-', not starting with '-'.");
        }

        return name!;
    }

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*\z", RegexOptions.CultureInvariant)]
    private static partial Regex EnvName();

    // \z, not $: "$" also matches before a trailing newline, which would let "master\n" through.
    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9_-]*\z", RegexOptions.CultureInvariant)]
    private static partial Regex ValidName();
}
