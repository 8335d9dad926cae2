using System.Runtime.InteropServices;
using PipeBuild.Cli;
using PipeBuild.Core;

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
    return await PipeTool.RunAsync(args, PipeConsole.Process(), cancellation.Token);
}
catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
{
    Console.Error.WriteLine($"cancelled by {stoppedBy}; the store is unchanged by the interrupted command.");
    return stoppedBy == PosixSignal.SIGTERM ? ExitCodes.Terminated : ExitCodes.Interrupted;
}
finally
{
    // What a command loaded, for the tests that keep short commands clear of MSBuild and Spectre.Console (start-up time).
    if (Environment.GetEnvironmentVariable("PIPE_LIST_ASSEMBLIES") == "1")
    {
        Console.Error.WriteLine($"loaded: {string.Join(' ', AppDomain.CurrentDomain.GetAssemblies().Select(a => a.GetName().Name).Order(StringComparer.Ordinal))}");
    }
}
