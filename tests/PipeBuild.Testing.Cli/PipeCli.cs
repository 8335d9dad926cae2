using CliWrap;
using CliWrap.Buffered;

namespace PipeBuild.Testing;

/// <summary>The built <c>dotnet pipe</c> run in <paramref name="folder"/>, as a user there would run it.</summary>
public sealed class PipeCli(string folder)
{
    public static readonly string ToolPath = Path.Combine(AppContext.BaseDirectory, "dotnet-pipe.dll");

    public string Folder => folder;

    public PipeResult Run(params string[] args) => RunAsync(args).GetAwaiter().GetResult();

    public async Task<PipeResult> RunAsync(string[] args, CancellationToken cancellationToken = default)
    {
        var result = await Command(args).ExecuteBufferedAsync(cancellationToken);
        return new PipeResult(result.ExitCode, result.StandardOutput, result.StandardError);
    }

    /// <summary>The command, to run with other options (environment, cancellation, streaming output).</summary>
    public Command Command(string[] args) =>
        CliWrap.Cli.Wrap("dotnet")
            .WithArguments([ToolPath, .. args])
            .WithWorkingDirectory(folder)
            .WithEnvironmentVariables(e => e.Set("PIPE_WORKSPACE", null).Set("DOTNET_NOLOGO", "1"))
            .WithValidation(CommandResultValidation.None);

    /// <summary>
    /// The command with SIGINT at its default, as in a terminal, for tests of Ctrl+C: a test runner started in the
    /// background (<c>cmd &amp;</c> in a script) ignores SIGINT, and a child inherits that, so Ctrl+C would never reach it.
    /// </summary>
    public Command InterruptibleCommand(string[] args) =>
        Command(args).WithTargetFile("env").WithArguments(["--default-signal=INT", "dotnet", ToolPath, .. args]);
}
