using System.Text;
using CliWrap;
using PipeBuild.Cli;

namespace PipeBuild.Testing;

/// <summary><c>dotnet pipe</c> run in <paramref name="folder"/>, as a user there would run it.</summary>
public sealed class PipeCli(string folder)
{
    public static readonly string ToolPath = Path.Combine(AppContext.BaseDirectory, "dotnet-pipe.dll");

    public string Folder => folder;

    public PipeResult Run(params string[] args) => RunAsync(args).GetAwaiter().GetResult();

    /// <summary>
    /// Runs the tool in this process: the same code as the packaged tool from its argument parsing to its exit code,
    /// with stdout and stderr captured, <see cref="Folder"/> as the working folder and no <c>PIPE_WORKSPACE</c>.
    /// Tests of what only a process shows (signals, kill -9, the packaged tool's exit) use <see cref="Command"/>.
    /// </summary>
    public Task<PipeResult> RunAsync(string[] args, CancellationToken cancellationToken = default) => RunAsync(args, terminalWidth: null, cancellationToken);

    /// <summary>Runs the tool in this process as <see cref="RunAsync(string[], CancellationToken)"/>, its stdout a terminal <paramref name="width"/> columns wide.</summary>
    public PipeResult RunOnTerminal(int width, params string[] args) => RunAsync(args, width, CancellationToken.None).GetAwaiter().GetResult();

    private async Task<PipeResult> RunAsync(string[] args, int? terminalWidth, CancellationToken cancellationToken)
    {
        using var stdout = new MemoryStream();
        await using var output = new StreamWriter(stdout, new UTF8Encoding(false), leaveOpen: true) { AutoFlush = true };
        var error = new StringWriter();
        var console = new PipeConsole
        {
            Out = TextWriter.Synchronized(output),
            Error = TextWriter.Synchronized(error),
            OpenStandardOutput = () => stdout,
            IsOutputRedirected = terminalWidth is null,
            Width = terminalWidth,
            WorkingDirectory = folder,
            Variable = name => name == "PIPE_WORKSPACE" ? null : Environment.GetEnvironmentVariable(name),
        };

        // On the thread pool: the tool's awaits must not queue on a test framework's synchronization context that
        // a blocking Run() holds.
        var exitCode = await Task.Run(() => PipeTool.RunAsync(args, console, cancellationToken), CancellationToken.None);
        return new PipeResult(exitCode, Encoding.UTF8.GetString(stdout.ToArray()), error.ToString());
    }

    /// <summary>The packaged tool as a process, to run with other options (environment, cancellation, streaming output).</summary>
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
