using System.Collections.Concurrent;
using System.CommandLine;
using System.CommandLine.Parsing;
using PipeBuild.Cli.Commands;
using PipeBuild.Core;

namespace PipeBuild.Cli;

/// <summary>
/// <c>dotnet pipe</c> as a function: parses the words, runs the command against a <see cref="PipeConsole"/> and
/// returns the exit code. Errors are printed in MSBuild's canonical form (<c>FILE(LINE,COL): error PIPEnnnn: message</c>,
/// or <c>error PIPEnnnn: message</c> without a place), so MSBuild and editors read them as any tool's.
/// Cancellation (Ctrl+C, SIGTERM) is the caller's to report: <see cref="OperationCanceledException"/> propagates.
/// </summary>
public static class PipeTool
{
    /// <summary>
    /// Each top-level command by its name and aliases. A command line naming one is parsed by a root holding only it:
    /// building every command's options, validators and actions cost more of a short command's start-up than the
    /// command itself, and loaded the assemblies they name.
    /// </summary>
    internal static readonly IReadOnlyDictionary<string, Func<Command>> TopLevel = new Dictionary<string, Func<Command>>
    {
        ["init"] = WorkspaceCommands.Init,
        ["version"] = WorkspaceCommands.Version,
        ["fsck"] = WorkspaceCommands.Fsck,
        ["gc"] = WorkspaceCommands.Gc,
        ["repo"] = RepoCommands.Create,
        ["branch"] = BranchCommands.Create,
        ["commit"] = CommitCommands.Create,
        ["file"] = FileCommands.Create,
        ["pipeline"] = PipelineCommands.Create,
        ["job"] = JobCommands.Create,
        ["datum"] = DatumCommands.Create,
        ["logs"] = LogsCommand.Logs,
        ["get-logs"] = LogsCommand.Logs,
        ["run"] = RunCommands.Run,
        ["status"] = RunCommands.Status,
        ["dag"] = RunCommands.Dag,
        ["watch"] = RunCommands.Watch,
        ["console"] = ConsoleCommand.Create,
        ["s3"] = S3Commands.Create,
        ["store"] = StoreCommands.Create,
        ["config"] = ConfigCommands.Create,
        ["secret"] = SecretCommands.Create,
        ["worker"] = WorkerCommands.Worker,
        ["next-datum"] = NextDatumCommand.NextDatum,
    };

    /// <summary>Built once each: parsing does not change a tree, so concurrent runs share them.</summary>
    private static readonly ConcurrentDictionary<string, RootCommand> Roots = new();

    /// <summary>No response files: an argument such as a repo named "@rsp" is a word, never the contents of a file.</summary>
    private static readonly ParserConfiguration Parsing = new() { ResponseFileTokenReplacer = null };

    public static async Task<int> RunAsync(IReadOnlyList<string> args, PipeConsole console, CancellationToken cancellationToken)
    {
        var words = LegacySyntax.Rewrite([.. args]);
        var parseResult = RootFor(words).Parse(words, Parsing);
        var verbose = parseResult.GetValue(GlobalOptions.Verbose);
        if (parseResult.Errors.Count > 0)
        {
            foreach (var error in parseResult.Errors)
            {
                console.Error.WriteLine($"error {ErrorCodes.InvalidArguments}: {error.Message}");
            }

            var path = new List<string>();
            for (var result = parseResult.CommandResult; result.Parent is CommandResult parent; result = parent)
            {
                path.Insert(0, result.Command.Name);
            }

            console.Error.WriteLine($"Run 'dotnet pipe {string.Join(' ', path)}{(path.Count > 0 ? " " : "")}--help' for usage.");
            return ExitCodes.UserError;
        }

        try
        {
            return await parseResult.InvokeAsync(new PipeInvocation(console), cancellationToken);
        }
        catch (PipeException e)
        {
            console.Error.WriteLine(e.ToString());
            if (verbose)
            {
                console.Error.WriteLine(e.StackTrace);
            }

            return e.ExitCode;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            console.Error.WriteLine($"internal error: {e.Message}{(verbose ? Environment.NewLine + e : " (run with --verbose for details)")}");
            return ExitCodes.InternalError;
        }
    }

    /// <summary>
    /// The root holding only the command <paramref name="words"/> start with, or every command when they start with
    /// none (help, a global option first, a mistyped name: the parser then lists or suggests them all).
    /// </summary>
    internal static RootCommand RootFor(string[] words) =>
        words.Length > 0 && TopLevel.ContainsKey(words[0])
            ? Roots.GetOrAdd(words[0], name => CreateRoot([TopLevel[name]()]))
            : Roots.GetOrAdd("", _ => CreateRoot([.. TopLevel.Values.Distinct().Select(create => create())]));

    private static RootCommand CreateRoot(Command[] commands)
    {
        var root = new RootCommand("dotnet pipe: versioned, incremental data pipelines for .NET (Pachyderm's model on MSBuild).");
        root.Options.Add(GlobalOptions.Workspace);
        root.Options.Add(GlobalOptions.Verbose);
        foreach (var command in commands)
        {
            root.Subcommands.Add(command);
        }

        AddNoWait(root);
        return root;
    }

    /// <summary>
    /// Every write that runs the pipelines downstream of it (file put and delete, commit finish, branch create,
    /// pipeline create and update) takes <c>--no-wait</c> as another name of its <c>--no-run</c>: the command returns
    /// once the write is stored and leaves the jobs to a running <c>dotnet pipe watch</c> (or the next <c>run</c>).
    /// </summary>
    private static void AddNoWait(Command command)
    {
        foreach (var option in command.Options.Where(o => o.Name == "--no-run"))
        {
            option.Aliases.Add("--no-wait");
        }

        foreach (var subcommand in command.Subcommands)
        {
            AddNoWait(subcommand);
        }
    }
}

/// <summary>
/// How a command finds its <see cref="PipeConsole"/>: System.CommandLine hands every action the invocation's
/// configuration, whose help and parse output then go to the same writers.
/// </summary>
internal sealed class PipeInvocation : InvocationConfiguration
{
    public PipeInvocation(PipeConsole console)
    {
        Console = console;
        Output = console.Out;
        Error = console.Error;
        EnableDefaultExceptionHandler = false;
        ProcessTerminationTimeout = null; // the tool handles SIGINT/SIGTERM itself (Program.cs)
    }

    public PipeConsole Console { get; }
}
