using System.CommandLine;
using PipeBuild.Core;
using PipeBuild.Engine;

namespace PipeBuild.Cli.Commands;

/// <summary><c>logs</c> (v1: <c>get-logs</c>): pachctl's <c>logs</c>, a job's datum logs chosen by pipeline, job, datum and input files.</summary>
internal static class LogsCommand
{
    public static Command Logs()
    {
        var pipeline = new Option<string?>("--pipeline", "-p") { Description = "The pipeline whose newest job's logs to print (or, with --job, the pipeline the job must belong to)." };
        var job = new Option<string?>("--job", "-j") { Description = "The job: an id or unique prefix, or pipeline@job." };
        var datum = new Option<string?>("--datum") { Description = "Only this datum's log (id or prefix)." };
        var inputs = new Option<string?>("--inputs") { Description = "Only the datums that read all these files: comma-separated paths in the input repos (/a.csv; a folder covers what it holds) or content hashes." };
        var master = new Option<bool>("--master") { Description = "The job's own log instead of its datums': start, datum counts, output, why it failed." };
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep printing the logs of the job's datums as they end, until the job ends." };
        var raw = new Option<bool>("--raw") { Description = "Only the logged lines, without the === header of each datum." };
        var tail = new Option<int>("--tail") { Description = "Only the last N lines of each datum's log (0, the default: all of it), as pachctl logs --tail." }.AtLeast(0);
        return Cli.Command("logs", "Print the logs of a job's datums (pachctl logs): of --job, or of the newest job of --pipeline.", [pipeline, job, datum, inputs, master, follow, raw, tail], async (s, ct) =>
        {
            var info = await JobAsync(s, s.Get(pipeline), s.Get(job), ct);
            var query = new LogQuery(await DatumAsync(s, info, s.Get(datum), ct), Inputs(s.Get(inputs)), s.Get(master), s.Get(raw), s.Get(tail) is > 0 and var lines ? lines : null);
            await (s.Get(follow) ? JobLogs.FollowAsync(s, info, query, ct) : JobLogs.PrintAsync(s, info, query, ct));
            return ExitCodes.Ok;
        }, formatOption: false).WithAliases("get-logs");
    }

    /// <summary>
    /// Checks a <c>--datum</c> prefix against the datums of a job that has ended (a running job's are not all known
    /// yet); null stays null.
    /// </summary>
    public static async Task<string?> DatumAsync(Session s, JobInfo job, string? datum, CancellationToken ct)
    {
        if (datum is null || job.State is JobState.Starting or JobState.Running)
        {
            return datum;
        }

        var matches = datum.Length == 0 ? 0 : (await s.Engine.Jobs.GetDatumsAsync(job, ct)).Count(d => d.Id.StartsWith(datum, StringComparison.Ordinal));
        return matches switch
        {
            1 => datum,
            0 => throw new PipeException(ErrorCodes.DatumNotFound, $"--datum: job {job.Id} has no datum '{datum}'. 'dotnet pipe datum list {job.Id}' shows its datums."),
            _ => throw new PipeException(ErrorCodes.AmbiguousCommit, $"--datum: '{datum}' matches {matches} datums of job {job.Id}; give more digits."),
        };
    }

    private static async Task<JobInfo> JobAsync(Session s, string? pipeline, string? job, CancellationToken ct)
    {
        if (job is not null)
        {
            return await JobCommands.FindAsync(s, pipeline is null || job.Contains('@') ? job : $"{pipeline}@{job}", ct, "--job");
        }

        if (pipeline is null)
        {
            throw new PipeException(ErrorCodes.InvalidArguments, "logs needs --pipeline P (its newest job) or --job J (an id, or pipeline@job), as pachctl logs does.");
        }

        return (await s.Engine.Jobs.ListAsync(pipeline, ct)).FirstOrDefault()
            ?? (await s.Engine.Registry.TryGetAsync(pipeline, ct) is null
                ? throw new PipeException(ErrorCodes.PipelineNotFound, $"--pipeline: pipeline '{pipeline}' not found. 'dotnet pipe pipeline list' shows the pipelines.")
                : throw new PipeException(ErrorCodes.JobNotFound, $"--pipeline: pipeline '{pipeline}' has not run a job yet. 'dotnet pipe run {pipeline}' runs it."));
    }

    /// <summary>The <c>--inputs</c> filters: repo paths in canonical form, or content hashes.</summary>
    private static string[] Inputs(string? text)
    {
        if (text is null)
        {
            return [];
        }

        var items = text.Split(',', StringSplitOptions.TrimEntries);
        if (items.Any(i => i.Length == 0))
        {
            throw new PipeException(ErrorCodes.InvalidArguments, $"--inputs '{text}' has an empty item: give comma-separated paths (/a.csv) or content hashes.");
        }

        try
        {
            return [.. items.Select(i => IsHash(i) ? i : RepoPath.Normalize(i))];
        }
        catch (PipeException e)
        {
            throw new PipeException(e.Code, $"--inputs: {e.Message}");
        }
    }

    private static bool IsHash(string text) => text.Length == 64 && text.All(char.IsAsciiHexDigitLower);
}
