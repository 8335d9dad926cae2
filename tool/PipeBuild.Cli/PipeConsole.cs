namespace PipeBuild.Cli;

/// <summary>
/// What a command sees of the process it runs in: its standard streams, working folder and environment. The tool
/// runs with <see cref="Process"/>; tests run it in-process with buffers, a folder of their own and no shared state,
/// so many commands can run at once in one test process.
/// </summary>
public sealed record PipeConsole
{
    /// <summary>Standard output as text: results, tables and JSON.</summary>
    public required TextWriter Out { get; init; }

    /// <summary>Standard error: errors, notes and progress, so that stdout stays parseable.</summary>
    public required TextWriter Error { get; init; }

    /// <summary>Standard input as text (the batching protocol of <c>next-datum</c>).</summary>
    public TextReader In { get; init; } = TextReader.Null;

    /// <summary>Standard input as bytes (<c>file put -f -</c>).</summary>
    public Func<Stream> OpenStandardInput { get; init; } = () => Stream.Null;

    /// <summary>
    /// Standard output as bytes (<c>file get</c> without <c>-o</c>); written after <see cref="Out"/> is flushed, so the
    /// two stay in order.
    /// </summary>
    public required Func<Stream> OpenStandardOutput { get; init; }

    /// <summary>Whether stdout goes to a file or pipe (scripts read it: tables never wrap).</summary>
    public bool IsOutputRedirected { get; init; } = true;

    /// <summary>The terminal's width in columns when stdout is a terminal (tables wrap long values to it).</summary>
    public int? Width { get; init; }

    /// <summary>Whether stderr goes to a file or pipe (no live progress display then).</summary>
    public bool IsErrorRedirected { get; init; } = true;

    /// <summary>The folder relative paths of the command line are relative to, and where the workspace is looked for.</summary>
    public required string WorkingDirectory { get; init; }

    /// <summary>Reads an environment variable the tool itself honours (<c>PIPE_WORKSPACE</c>, <c>PIPE_STORE</c>, ...).</summary>
    public Func<string, string?> Variable { get; init; } = _ => null;

    /// <summary>The console and environment of this process.</summary>
    public static PipeConsole Process() => new()
    {
        Out = Console.Out,
        Error = Console.Error,
        In = Console.In,
        OpenStandardInput = Console.OpenStandardInput,
        OpenStandardOutput = Console.OpenStandardOutput,
        IsOutputRedirected = Console.IsOutputRedirected,
        IsErrorRedirected = Console.IsErrorRedirected,
        Width = TerminalWidth(),
        WorkingDirectory = Directory.GetCurrentDirectory(),
        Variable = Environment.GetEnvironmentVariable,
    };

    private static int? TerminalWidth()
    {
        try
        {
            return Console.IsOutputRedirected || Console.WindowWidth <= 0 ? null : Console.WindowWidth;
        }
        catch (IOException)
        {
            return null; // no terminal to ask after all
        }
    }

    /// <summary><paramref name="path"/> made absolute against <see cref="WorkingDirectory"/>.</summary>
    public string FullPath(string path) => Path.GetFullPath(path, WorkingDirectory);
}
