using System.Globalization;
using System.Text;
using CliWrap;

namespace PipeBuild.Testing;

/// <summary>
/// <c>dotnet pipe watch</c> running as a process of a test's workspace, its stderr kept line by line; <see cref="StopAsync"/>
/// stops it with Ctrl+C, as a user would, and waits for it to end.
/// </summary>
public sealed class WatchProcess : IAsyncDisposable
{
    private readonly StringBuilder log = new();
    private readonly CancellationTokenSource interrupt = new();
    private readonly Task watch;

    public WatchProcess(TempWorkspace workspace, double intervalSeconds)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        watch = workspace.InterruptibleCommand(["watch", "--interval", intervalSeconds.ToString(CultureInfo.InvariantCulture)])
            .WithStandardErrorPipe(PipeTarget.ToDelegate(line =>
            {
                lock (log)
                {
                    log.AppendLine(line);
                }
            }))
            .ExecuteAsync(CancellationToken.None, interrupt.Token);
    }

    /// <summary>What watch has written to stderr so far.</summary>
    public string Log
    {
        get
        {
            lock (log)
            {
                return log.ToString();
            }
        }
    }

    public bool Logged(string line) => Log.Contains(line, StringComparison.Ordinal);

    /// <summary>Sends Ctrl+C and waits for watch to end (its spouts' and services' processes with it).</summary>
    public async Task StopAsync()
    {
        await interrupt.CancelAsync();
        try
        {
            await watch;
        }
        catch (OperationCanceledException)
        {
            // CliWrap reports the interrupt it sent
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        interrupt.Dispose();
    }
}
