using System.Reflection;
using CliWrap;
using CliWrap.Buffered;

namespace PipeBuild.Testing;

/// <summary>
/// The PipeBuild.Sdk package packed once (for a test collection) into a temp folder feed, and a private NuGet packages
/// folder, so the package under test is never mixed up with one cached by an earlier run. The test project must
/// reference tasks/PipeBuild.Tasks (ReferenceOutputAssembly="false"), which the pack does not build.
/// </summary>
public sealed class SdkFeed : IDisposable
{
    public const string Version = "0.1.0";

    public SdkFeed()
    {
        Root = Directory.CreateTempSubdirectory("pipe-sdk-feed-").FullName;
        Feed = Directory.CreateDirectory(Path.Combine(Root, "feed")).FullName;
        Packages = Path.Combine(Root, "packages");
        var configuration = typeof(SdkFeed).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
        var project = Path.Combine(RepoRoot, "tasks", "PipeBuild.Tasks");
        BuildResult pack;
        using (PackLock(project))
        {
            pack = Dotnet(RepoRoot, ["pack", Path.Combine(project, "PipeBuild.Tasks.csproj"), "-c", configuration, "--no-build", "-o", Feed, "-nologo"]);
        }

        Assert.True(pack.ExitCode == 0, $"dotnet pack of PipeBuild.Sdk failed:\n{pack.Output}");
        Assert.True(File.Exists(Path.Combine(Feed, $"PipeBuild.Sdk.{Version}.nupkg")), pack.Output);
    }

    public string Root { get; }

    public string Feed { get; }

    /// <summary>NUGET_PACKAGES for every build the tests run.</summary>
    public string Packages { get; }

    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>A nuget.config that knows only this feed (and <paramref name="extraFeeds"/>).</summary>
    public string NugetConfig(params string[] extraFeeds) =>
        $"""
        <?xml version="1.0" encoding="utf-8"?>
        <configuration>
          <packageSources>
            <clear />
            <add key="pipebuild" value="{Feed}" />
            {string.Concat(extraFeeds.Select((f, i) => $"<add key=\"extra{i}\" value=\"{f}\" />"))}
          </packageSources>
        </configuration>
        """;

    /// <summary>Runs <c>dotnet ARGS</c> in <paramref name="folder"/> with the private packages folder and no lingering build servers.</summary>
    public BuildResult Dotnet(string folder, string[] args) => DotnetAsync(folder, args).GetAwaiter().GetResult();

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task<BuildResult> DotnetAsync(string folder, string[] args)
    {
        var result = await CliWrap.Cli.Wrap("dotnet")
            .WithArguments(args)
            .WithWorkingDirectory(folder)
            .WithEnvironmentVariables(e => e
                .Set("NUGET_PACKAGES", Packages)
                .Set("MSBUILDDISABLENODEREUSE", "1")
                .Set("DOTNET_CLI_USE_MSBUILD_SERVER", "0")
                .Set("UseSharedCompilation", "false")
                .Set("DOTNET_NOLOGO", "1")
                .Set("DOTNET_CLI_TELEMETRY_OPTOUT", "1")
                .Set("PIPE_WORKSPACE", null))
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync();
        return new BuildResult(result.ExitCode, result.StandardOutput + result.StandardError);
    }

    /// <summary>
    /// Two test projects (run in parallel by <c>dotnet test</c>) packing at once would race on the project's
    /// intermediate folder, where the pack publishes the tool: one pack at a time, across processes.
    /// </summary>
    private static FileStream PackLock(string project)
    {
        var path = Path.Combine(project, "obj", "pipebuild-pack.lock");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        for (var waited = TimeSpan.Zero; ; waited += TimeSpan.FromMilliseconds(250))
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (waited < TimeSpan.FromMinutes(5))
            {
                Thread.Sleep(250);
            }
        }
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "PipeBuild.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no PipeBuild.sln above {AppContext.BaseDirectory}");
    }
}
