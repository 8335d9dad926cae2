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
    private static readonly RootCommand Root = CreateRoot();

    /// <summary>No response files: an argument such as a repo named "@rsp" is a word, never the contents of a file.</summary>
    private static readonly ParserConfiguration Parsing = new() { ResponseFileTokenReplacer = null };

    public static async Task<int> RunAsync(IReadOnlyList<string> args, PipeConsole console, CancellationToken cancellationToken)
    {
        var parseResult = Root.Parse(LegacySyntax.Rewrite([.. args]), Parsing);
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

    /// <summary>Built once: parsing does not change the tree, so concurrent runs share it.</summary>
    private static RootCommand CreateRoot()
    {
        var root = new RootCommand("dotnet pipe: versioned, incremental data pipelines for .NET (Pachyderm's model on MSBuild).");
        root.Options.Add(GlobalOptions.Workspace);
        root.Options.Add(GlobalOptions.Verbose);
        foreach (var command in new[]
        {
            WorkspaceCommands.Init(), WorkspaceCommands.Version(), WorkspaceCommands.Fsck(), WorkspaceCommands.Gc(),
            RepoCommands.Create(), BranchCommands.Create(), CommitCommands.Create(), FileCommands.Create(),
            PipelineCommands.Create(), JobCommands.Create(), DatumCommands.Create(), LogsCommand.Logs(),
            RunCommands.Run(), RunCommands.Status(), RunCommands.Dag(), RunCommands.Watch(), ConsoleCommand.Create(), S3Commands.Create(), StoreCommands.Create(), ConfigCommands.Create(), SecretCommands.Create(),
            WorkerCommands.Worker(), NextDatumCommand.NextDatum(),
        })
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
