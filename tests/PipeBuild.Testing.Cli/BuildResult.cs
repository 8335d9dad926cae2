namespace PipeBuild.Testing;

/// <summary>What one <c>dotnet build</c> / <c>dotnet msbuild</c> printed (stdout and stderr) and returned.</summary>
public sealed record BuildResult(int ExitCode, string Output)
{
    public BuildResult ShouldSucceed()
    {
        Assert.True(ExitCode == 0, $"expected success, got exit code {ExitCode}:\n{Output}");
        return this;
    }

    public BuildResult ShouldFail()
    {
        Assert.True(ExitCode != 0, $"expected a failed build:\n{Output}");
        return this;
    }

    /// <summary>The distinct lines that contain <paramref name="text"/> (MSBuild repeats errors in its summary).</summary>
    public string[] Lines(string text) =>
        [.. Output.Split('\n').Select(l => l.Trim()).Where(l => l.Contains(text, StringComparison.Ordinal)).Distinct()];
}
