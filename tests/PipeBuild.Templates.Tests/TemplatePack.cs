using CliWrap;
using CliWrap.Buffered;

namespace PipeBuild.Templates.Tests;

/// <summary>
/// The template pack as a user gets it: <c>dotnet pack</c> of templates/PipeBuild.Templates, then
/// <c>dotnet new install</c> of the .nupkg into a private hive (so the machine's own templates are untouched).
/// </summary>
public sealed class TemplatePack : IAsyncLifetime
{
    private readonly string root = Directory.CreateTempSubdirectory("pipe-templates-").FullName;

    private string Hive => Path.Combine(root, "hive");

    public async Task InitializeAsync()
    {
        var feed = Path.Combine(root, "feed");
        (await Dotnet(root, "pack", RepositoryPaths.Combine("templates", "PipeBuild.Templates"), "-c", "Release", "-o", feed, "--nologo")).ShouldSucceed();
        var package = Directory.GetFiles(feed, "PipeBuild.Templates.*.nupkg").Single();
        (await Dotnet(root, "new", "install", package, "--debug:custom-hive", Hive)).ShouldSucceed();
    }

    /// <summary>Runs <c>dotnet new TEMPLATE ARGS</c> in <paramref name="folder"/> with the pack's hive.</summary>
    public Task<PipeResult> NewAsync(string folder, params string[] args) => Dotnet(folder, ["new", .. args, "--debug:custom-hive", Hive]);

    public Task DisposeAsync()
    {
        Directory.Delete(root, recursive: true);
        return Task.CompletedTask;
    }

    private static async Task<PipeResult> Dotnet(string folder, params string[] args)
    {
        var result = await CliWrap.Cli.Wrap("dotnet").WithArguments(args).WithWorkingDirectory(folder)
            .WithEnvironmentVariables(e => e.Set("DOTNET_NOLOGO", "1").Set("DOTNET_CLI_TELEMETRY_OPTOUT", "1"))
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
        return new PipeResult(result.ExitCode, result.StandardOutput, result.StandardError);
    }
}
