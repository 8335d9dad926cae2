using PipeBuild.Engine;
using Spectre.Console;

namespace PipeBuild.Cli;

/// <summary>
/// Shows running jobs and one summary line per finished job. On a terminal the jobs are a live progress display;
/// elsewhere (a CI log) they are lines on stderr: one when a job starts, one every few seconds while it runs. Both
/// describe a job's progress the same way (<see cref="Describe"/>).
/// </summary>
internal static class JobReporter
{
    /// <summary>The least time between two progress lines of one job in a log.</summary>
    private static readonly TimeSpan LineInterval = TimeSpan.FromSeconds(5);

    /// <summary>Runs <paramref name="work"/> with a progress display when stderr is a terminal, and progress lines on stderr when not.</summary>
    public static async Task<IReadOnlyList<JobInfo>> RunAsync(PipeConsole console, Func<IProgress<JobProgress>?, Task<IReadOnlyList<JobInfo>>> work)
    {
        if (console.IsErrorRedirected)
        {
            return await work(new Lines(console.Error, TimeProvider.System));
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
                        task.Description = Markup.Escape(Describe(p));
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

    private static string Describe(JobProgress p) => $"{p.Pipeline}: {p.Processed} ran, {p.Skipped} reused, {p.Failed} failed of {p.Total}";

    /// <summary>
    /// Progress as log lines: a job's first report (made once it is planned) and then at most one per
    /// <see cref="LineInterval"/>. Written as reported, not posted as <see cref="Progress{T}"/> does, so every line
    /// is out before the summary that follows the work.
    /// </summary>
    internal sealed class Lines(TextWriter writer, TimeProvider time) : IProgress<JobProgress>
    {
        private readonly Dictionary<string, long> lastLine = [];

        public void Report(JobProgress value)
        {
            lock (lastLine)
            {
                var now = time.GetTimestamp();
                if (!lastLine.TryGetValue(value.JobId, out var last))
                {
                    writer.WriteLine($"job {value.JobId[..12]} {value.Pipeline}: started, {value.Total} datum(s), {value.Skipped} reused, {value.Total - value.Done} to run");
                }
                else if (time.GetElapsedTime(last, now) >= LineInterval)
                {
                    writer.WriteLine($"job {value.JobId[..12]} {Describe(value)}");
                }
                else
                {
                    return;
                }

                lastLine[value.JobId] = now;
            }
        }
    }
}
