using CliWrap;
using CliWrap.Buffered;

namespace PipeBuild.Testing;

/// <summary>
/// The template pack as a user gets it: <c>dotnet pack</c> of templates/PipeBuild.Templates, then
/// <c>dotnet new install</c> of the .nupkg into a private hive (so the machine's own templates are untouched).
/// Built once per test process (<see cref="Shared"/>) and removed when it exits.
/// </summary>
public sealed class TemplatePack
{
    private static readonly Lazy<Task<TemplatePack>> Instance = new(CreateAsync);

    private TemplatePack(string root) => Root = root;

    public static Task<TemplatePack> Shared => Instance.Value;

    private string Root { get; }

    private string Hive => Path.Combine(Root, "hive");

    /// <summary>Runs <c>dotnet new TEMPLATE ARGS</c> in <paramref name="folder"/> with the pack's hive.</summary>
    public Task<PipeResult> NewAsync(string folder, params string[] args) => Dotnet(folder, ["new", .. args, "--debug:custom-hive", Hive]);

    /// <summary>A new folder made by <c>dotnet new TEMPLATE</c> (the caller deletes it).</summary>
    public async Task<string> InstantiateAsync(string template)
    {
        var folder = Directory.CreateTempSubdirectory($"pipe-template-{template}-").FullName;
        (await NewAsync(folder, template, "-o", ".")).ShouldSucceed();
        return folder;
    }

    private static async Task<TemplatePack> CreateAsync()
    {
        var root = Directory.CreateTempSubdirectory("pipe-templates-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(root, recursive: true);
        var pack = new TemplatePack(root);
        var feed = Path.Combine(root, "feed");
        (await Dotnet(root, "pack", RepositoryPaths.Combine("templates", "PipeBuild.Templates"), "-c", "Release", "-o", feed, "--nologo")).ShouldSucceed();
        var package = Directory.GetFiles(feed, "PipeBuild.Templates.*.nupkg").Single();
        (await Dotnet(root, "new", "install", package, "--debug:custom-hive", pack.Hive)).ShouldSucceed();
        return pack;
    }

    private static async Task<PipeResult> Dotnet(string folder, params string[] args)
    {
        var result = await CliWrap.Cli.Wrap("dotnet").WithArguments(args).WithWorkingDirectory(folder)
            .WithEnvironmentVariables(e => e.Set("DOTNET_NOLOGO", "1").Set("DOTNET_CLI_TELEMETRY_OPTOUT", "1"))
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
        return new PipeResult(result.ExitCode, result.StandardOutput, result.StandardError);
    }
}
