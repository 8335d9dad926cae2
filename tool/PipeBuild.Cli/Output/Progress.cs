using Spectre.Console;

namespace PipeBuild.Cli;

/// <summary>A progress bar on stderr for long transfers, shown only when stderr is a terminal.</summary>
internal static class Progress
{
    private const long ShowAbove = 32L * 1024 * 1024;

    public static async Task<T> RunAsync<T>(PipeConsole console, string label, long totalBytes, Func<IProgress<long>?, Task<T>> work)
    {
        if (console.IsErrorRedirected || totalBytes < ShowAbove)
        {
            return await work(null);
        }

        T result = default!;
        await Terminal(console).Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new TransferSpeedColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask(Markup.Escape(label), maxValue: totalBytes);
                result = await work(new Reporter(task));
            });
        return result;
    }

    /// <summary>Spectre's console on stderr, for live displays on a terminal.</summary>
    public static IAnsiConsole Terminal(PipeConsole console) =>
        AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(console.Error) });

    private sealed class Reporter(ProgressTask task) : IProgress<long>
    {
        public void Report(long value) => task.Increment(value);
    }
}
