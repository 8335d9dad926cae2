namespace PipeBuild.Testing;

/// <summary>What one <c>dotnet pipe</c> invocation printed and returned.</summary>
public sealed record PipeResult(int ExitCode, string Stdout, string Stderr)
{
    public PipeResult ShouldSucceed()
    {
        Assert.True(ExitCode == 0, $"expected success, got exit code {ExitCode}.\nstdout:\n{Stdout}\nstderr:\n{Stderr}");
        return this;
    }

    /// <summary>Asserts a user error: exit code 1 and a line <c>error CODE: ...</c> on stderr.</summary>
    public PipeResult ShouldFailWith(string code)
    {
        Assert.True(ExitCode == 1, $"expected exit code 1 with {code}, got {ExitCode}.\nstdout:\n{Stdout}\nstderr:\n{Stderr}");
        Assert.Contains($"error {code}:", Stderr);
        Assert.DoesNotContain("   at ", Stderr); // no stack trace for a user error
        return this;
    }
}
