using PipeBuild.Engine;
using Spectre.Console;

namespace PipeBuild.Cli;

/// <summary>Shows running jobs (a live progress display on a terminal) and one summary line per finished job.</summary>
internal static class JobReporter
{
    /// <summary>Runs <paramref name="work"/> with a progress display when stderr is a terminal.</summary>
    public static async Task<IReadOnlyList<JobInfo>> RunAsync(PipeConsole console, Func<IProgress<JobProgress>?, Task<IReadOnlyList<JobInfo>>> work)
    {
        if (console.IsErrorRedirected)
        {
            return await work(null);
        }

        IReadOnlyList<JobInfo> jobs = [];
        await Progress.Terminal(console).Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                var tasks = new Dictionary<string, ProgressTask>();
                var progress = new Progress<JobProgress>(p =>
                {
                    lock (tasks)
                    {
                        if (!tasks.TryGetValue(p.JobId, out var task))
                        {
                            tasks[p.JobId] = task = context.AddTask(Markup.Escape(p.Pipeline), maxValue: Math.Max(1, p.Total));
                        }

                        task.MaxValue = Math.Max(1, p.Total);
                        task.Value = p.Done;
                        task.Description = Markup.Escape($"{p.Pipeline}: {p.Processed} ran, {p.Skipped} reused, {p.Failed} failed of {p.Total}");
                    }
                });
                jobs = await work(progress);
            });
        return jobs;
    }

    /// <summary>One line per job (and its first failures), for people.</summary>
    public static void Summarize(TextWriter writer, IReadOnlyList<JobInfo> jobs)
    {
        foreach (var job in jobs)
        {
            writer.WriteLine(
                $"job {job.Id[..12]} {job.Pipeline}: {job.State.ToString().ToLowerInvariant()}, {job.DatumsProcessed} datum(s) ran, {job.DatumsSkipped} reused, {job.DatumsFailed} failed of {job.DatumsTotal} ({job.Duration?.TotalSeconds:0.0} s)");
            if (job.Reason is not null)
            {
                writer.WriteLine($"  {job.Reason}");
            }

            foreach (var failure in job.Failures.Take(5))
            {
                writer.WriteLine($"  datum {failure.DatumId[..12]} ({failure.Description}): {failure.Reason}");
            }
        }
    }

    /// <summary>2 (job failure) if any job did not succeed.</summary>
    public static int ExitCode(IReadOnlyList<JobInfo> jobs) =>
        jobs.Any(j => j.State != JobState.Success) ? Core.ExitCodes.JobFailure : Core.ExitCodes.Ok;
}
