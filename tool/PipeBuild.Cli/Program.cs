using System.CommandLine;
using System.CommandLine.Parsing;
using System.Runtime.InteropServices;
using PipeBuild.Cli;
using PipeBuild.Cli.Commands;
using PipeBuild.Core;

var root = new RootCommand("dotnet pipe: versioned, incremental data pipelines for .NET (Pachyderm's model on MSBuild).");
root.Options.Add(GlobalOptions.Workspace);
root.Options.Add(GlobalOptions.Verbose);
foreach (var command in new[]
{
    WorkspaceCommands.Init(), WorkspaceCommands.Version(), WorkspaceCommands.Fsck(), WorkspaceCommands.Gc(),
    RepoCommands.Create(), BranchCommands.Create(), CommitCommands.Create(), FileCommands.Create(),
    PipelineCommands.Create(), JobCommands.Create(), JobCommands.Datums(),
    RunCommands.Run(), RunCommands.Status(), RunCommands.Dag(), RunCommands.Watch(), StoreCommands.Create(),
    WorkerCommands.Worker(), NextDatumCommand.NextDatum(),
})
{
    root.Subcommands.Add(command);
}

var parseResult = root.Parse(LegacySyntax.Rewrite(args));
var verbose = parseResult.GetValue(GlobalOptions.Verbose);
if (parseResult.Errors.Count > 0)
{
    foreach (var error in parseResult.Errors)
    {
        Console.Error.WriteLine($"error {ErrorCodes.InvalidArguments}: {error.Message}");
    }

    var path = new List<string>();
    for (var result = parseResult.CommandResult; result.Parent is CommandResult parent; result = parent)
    {
        path.Insert(0, result.Command.Name);
    }

    Console.Error.WriteLine($"Run 'dotnet pipe {string.Join(' ', path)}{(path.Count > 0 ? " " : "")}--help' for usage.");
    return ExitCodes.UserError;
}

// Ctrl+C (SIGINT) and SIGTERM (kill, a CI runner's timeout, docker stop) stop cleanly: in-flight writes finish or
// are abandoned before any ref moves, a running job ends killed. System.CommandLine's own handling is off: it
// would cut the clean-up short after 2 seconds and report a SIGTERM as an internal error.
using var cancellation = new CancellationTokenSource();
PosixSignal? stoppedBy = null;
void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    stoppedBy ??= context.Signal;
    cancellation.Cancel();
}

using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);

try
{
    return await parseResult.InvokeAsync(
        new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null }, cancellation.Token);
}
catch (PipeException e)
{
    Console.Error.WriteLine(e.ToString());
    if (verbose)
    {
        Console.Error.WriteLine(e.StackTrace);
    }

    return e.ExitCode;
}
catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
{
    Console.Error.WriteLine($"cancelled by {stoppedBy}; the store is unchanged by the interrupted command.");
    return stoppedBy == PosixSignal.SIGTERM ? ExitCodes.Terminated : ExitCodes.Interrupted;
}
catch (Exception e)
{
    Console.Error.WriteLine($"internal error: {e.Message}{(verbose ? Environment.NewLine + e : " (run with --verbose for details)")}");
    return ExitCodes.InternalError;
}
