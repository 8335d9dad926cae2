using Spectre.Console;

namespace PipeBuild.Cli;

/// <summary>A progress bar on stderr for long transfers, shown only when stderr is a terminal.</summary>
internal static class Progress
{
    private const long ShowAbove = 32L * 1024 * 1024;

    public static async Task<T> RunAsync<T>(string label, long totalBytes, Func<IProgress<long>?, Task<T>> work)
    {
        if (Console.IsErrorRedirected || totalBytes < ShowAbove)
        {
            return await work(null);
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        T result = default!;
        await console.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new TransferSpeedColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask(Markup.Escape(label), maxValue: totalBytes);
                result = await work(new Reporter(task));
            });
        return result;
    }

    private sealed class Reporter(ProgressTask task) : IProgress<long>
    {
        public void Report(long value) => task.Increment(value);
    }
}
