using System.Text;
using PipeBuild.Core;
using PipeBuild.Engine;

namespace PipeBuild.Cli.Commands;

/// <summary>
/// Which logs of a job to print: one datum's (id or prefix), those of the datums that read every one of
/// <see cref="Inputs"/> (paths in the input repos, or content hashes, as pachctl's <c>--inputs</c>), or with
/// <see cref="Master"/> the job's own account; <see cref="Raw"/> leaves out the <c>===</c> header lines, and
/// <see cref="Tail"/> keeps each log's last lines only.
/// </summary>
internal sealed record LogQuery(string? Datum = null, IReadOnlyList<string>? Inputs = null, bool Master = false, bool Raw = false, int? Tail = null)
{
    public IReadOnlyList<string> InputFilters => Inputs ?? [];

    public bool IsFiltered => Datum is not null || InputFilters.Count > 0;
}

/// <summary>What <c>job logs</c> and <c>logs</c> print: each datum's log (failed ones first), or the job's own account.</summary>
internal static class JobLogs
{
    /// <summary>How often <see cref="FollowAsync"/> looks at a running job again.</summary>
    private static readonly TimeSpan FollowInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>How many tries a datum's log names (its <c>--- try N of M</c> headers), read a line at a time.</summary>
    public static async Task<int> CountTriesAsync(Session s, string logHash, CancellationToken ct)
    {
        using var reader = new StreamReader(await s.Store.Content.OpenObjectAsync(logHash, ct), new UTF8Encoding(false));
        var tries = 0;
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            tries += line.StartsWith("--- try ", StringComparison.Ordinal) ? 1 : 0;
        }

        return tries;
    }

    /// <summary>Prints the logs <paramref name="query"/> asks for of a job as it stands.</summary>
    public static async Task PrintAsync(Session s, JobInfo job, LogQuery query, CancellationToken ct)
    {
        if (query.Master)
        {
            WriteAccount(s.Console.Out, job, $"of {job.Pipeline} {StateName(job.State)}", query.Raw);
            return;
        }

        var datums = await SelectAsync(s, job, await s.Engine.Jobs.GetDatumsAsync(job, ct), query, ct);
        foreach (var datum in datums.OrderBy(d => d.State == DatumState.Failed ? 0 : 1))
        {
            await WriteAsync(s, datum, query, ct);
        }

        if (datums.Count == 0 && !query.IsFiltered && job is { State: JobState.Failure or JobState.Killed, Reason: not null })
        {
            // It ended before any datum wrote a log (the command could not start, the job was killed): its account is all there is.
            WriteAccount(s.Console.Out, job, $"{StateName(job.State)} before any datum logged", query.Raw);
        }
    }

    /// <summary>
    /// Prints each datum's log as the datum ends, until the job ends (pachctl's <c>logs --follow</c>); then what the
    /// job's datum table adds (datums that ended faster than they were published), and for <see cref="LogQuery.Master"/>
    /// the job's account. A job that has ended prints as <see cref="PrintAsync"/> does.
    /// </summary>
    public static async Task FollowAsync(Session s, JobInfo job, LogQuery query, CancellationToken ct)
    {
        var printed = new HashSet<string>(StringComparer.Ordinal);
        while (job.State is JobState.Starting or JobState.Running)
        {
            if (!query.Master)
            {
                await WriteNewAsync((await s.Engine.Jobs.GetFinishedAsync(job, ct)).Recent);
            }

            await Task.Delay(FollowInterval, ct);
            job = await s.Engine.Jobs.GetAsync(job.Id, ct);
        }

        if (printed.Count == 0)
        {
            await PrintAsync(s, job, query, ct);
            return;
        }

        await WriteNewAsync(await s.Engine.Jobs.GetDatumsAsync(job, ct));

        async Task WriteNewAsync(IEnumerable<JobDatum> datums)
        {
            foreach (var datum in await SelectAsync(s, job, datums.Where(d => !printed.Contains(d.Id)), query, ct))
            {
                printed.Add(datum.Id);
                await WriteAsync(s, datum, query, ct);
            }
        }
    }

    /// <summary>The datums with a log that <paramref name="query"/> names, in the order given.</summary>
    private static async Task<List<JobDatum>> SelectAsync(Session s, JobInfo job, IEnumerable<JobDatum> datums, LogQuery query, CancellationToken ct)
    {
        var selected = new List<JobDatum>();
        foreach (var datum in datums)
        {
            if (datum.LogHash is null || (query.Datum is { } id && !datum.Id.StartsWith(id, StringComparison.Ordinal)))
            {
                continue;
            }

            if (query.InputFilters.Count > 0)
            {
                var files = await DatumCommands.InputFilesAsync(s, job, datum, ct);
                if (!query.InputFilters.All(filter => files.Any(f => filter.Length == 0 || f.Hash == filter || f.Path == filter || f.Path.StartsWith(filter + "/", StringComparison.Ordinal))))
                {
                    continue;
                }
            }

            selected.Add(datum);
        }

        return selected;
    }

    private static async Task WriteAsync(Session s, JobDatum datum, LogQuery query, CancellationToken ct)
    {
        if (!query.Raw)
        {
            s.Console.Out.WriteLine($"=== datum {datum.Id[..12]} ({datum.Description}) {datum.State.Name()} ===");
        }

        await using var log = await s.Store.Content.OpenObjectAsync(datum.LogHash!, ct);
        if (query.Tail is { } lines)
        {
            // Read to the end (the log is checked as a whole) keeping only the last lines.
            var last = new Queue<string>(lines);
            using var reader = new StreamReader(log, new UTF8Encoding(false));
            while (await reader.ReadLineAsync(ct) is { } line)
            {
                if (last.Count == lines)
                {
                    last.Dequeue();
                }

                last.Enqueue(line);
            }

            foreach (var line in last)
            {
                s.Console.Out.WriteLine(line);
            }

            return;
        }

        // The bytes as the transform wrote them, streamed from the store; a log whose last line has no end still
        // leaves the next header on a line of its own.
        await s.Console.Out.FlushAsync(ct);
        var stdout = s.Console.OpenStandardOutput(); // not disposed: stdout outlives the command
        var buffer = new byte[64 * 1024];
        var end = (byte)'\n';
        for (int read; (read = await log.ReadAsync(buffer, ct)) > 0; end = buffer[read - 1])
        {
            await stdout.WriteAsync(buffer.AsMemory(0, read), ct);
        }

        if (end != '\n' && !query.Raw)
        {
            stdout.WriteByte((byte)'\n');
        }

        await stdout.FlushAsync(ct);
    }

    /// <summary>
    /// The job's own log (pachctl's master log): when it started and ended, its datum counts, its output, and why it
    /// did not succeed, with each failed datum's reason.
    /// </summary>
    private static void WriteAccount(TextWriter output, JobInfo job, string title, bool raw)
    {
        if (!raw)
        {
            output.WriteLine($"=== job {job.Id[..12]} {title} ===");
        }

        output.WriteLine($"started {job.Started:u} for pipeline {job.Pipeline}, reading {(job.Inputs.Count == 0 ? "no input commits" : string.Join(", ", job.Inputs.Select(i => $"{i.Repo}@{i.Commit}")))}");
        output.WriteLine($"datums: {job.DatumSummary} of {job.DatumsTotal}");
        if (job.Finished is { } finished)
        {
            output.WriteLine($"{StateName(job.State)} at {finished:u} after {job.Duration!.Value.TotalSeconds:0.0} s{(job.OutputCommit is { } commit ? $", output commit {job.Pipeline}@{commit}" : "")}");
        }

        if (job.Reason is { } reason)
        {
            output.WriteLine(reason);
        }

        foreach (var failure in job.Failures)
        {
            output.WriteLine($"datum {failure.DatumId[..12]} ({failure.Description}) failed: {failure.Reason}");
        }
    }

    private static string StateName(JobState state) => state.ToString().ToLowerInvariant();
}
