namespace PipeBuild.Testing;

/// <summary>
/// The rule for tests that need something outside the .NET SDK (a container engine, an S3 server, Python
/// packages): run bare, such a test skips and says why; in CI (<c>CI=true</c>) a missing component is a failure,
/// so a broken setup can never pass as a row of skips. Use with <c>[SkippableFact]</c>.
/// </summary>
public static class RequiredComponent
{
    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Skips (or, in CI, fails) the calling test when <paramref name="missingReason"/> is not null.</summary>
    /// <param name="component">what is needed, e.g. "a container engine"</param>
    /// <param name="missingReason">why it is not available, or null when it is</param>
    /// <param name="hint">how to provide it, e.g. "run eng/test.sh, which starts one"</param>
    public static void Require(string component, string? missingReason, string hint)
    {
        if (missingReason is null)
        {
            return;
        }

        var message = $"needs {component}: {missingReason}. {hint}";
        if (InCi)
        {
            throw new InvalidOperationException($"CI=true and this test {message}");
        }

        throw new SkipException(message);
    }
}
