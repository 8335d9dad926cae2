using System.Collections.Concurrent;
using PipeBuild.Core;

namespace PipeBuild.WebConsole;

/// <summary>
/// Runs the console starts (run, restart): they outlive the request that started them, as a run from another
/// shell would, report a failure to start on <see cref="ConsoleOptions.Errors"/> (a job that fails is in the store
/// like any other), and are cancelled, leaving their jobs killed, when the console stops.
/// </summary>
internal sealed class BackgroundRuns(TextWriter errors) : IAsyncDisposable
{
    private readonly CancellationTokenSource stopping = new();
    private readonly ConcurrentDictionary<Task, string> running = new();

    public void Start(string what, Func<CancellationToken, Task> run)
    {
        var task = Task.Run(async () =>
        {
            try
            {
                await run(stopping.Token);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
            }
            catch (Exception e)
            {
                // The top of a task no request waits for: whatever stopped it is said, never lost.
                lock (errors)
                {
                    errors.WriteLine(e is PipeException pipe ? $"{what}: error {pipe.Code}: {pipe.Message}" : $"{what}: {e.GetType().Name}: {e.Message}");
                }
            }
        });
        running[task] = what;
        task.ContinueWith(t => running.TryRemove(t, out _), TaskScheduler.Default);
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        await Task.WhenAll(running.Keys);
        stopping.Dispose();
    }
}
