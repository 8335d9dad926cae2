using System.CommandLine;
using PipeBuild.Core;
using PipeBuild.Engine;
using PipeBuild.Store;

namespace PipeBuild.Cli.Commands;

/// <summary><c>job list|inspect|logs|wait|restart|kill</c>.</summary>
internal static class JobCommands
{
    /// <summary>How often <c>job wait</c> reads a running job's record again.</summary>
    private static readonly TimeSpan WaitInterval = TimeSpan.FromMilliseconds(200);

    public static Command Create() => Cli.Group("job", "List, inspect, read the logs of, wait for, restart and kill jobs.", List(), Inspect(), Logs(), Wait(), Restart(), Kill());

    /// <summary>
    /// A job by id or unique prefix, or by pachctl's <c>pipeline@job</c>; <paramref name="option"/> names the option it
    /// came from in errors.
    /// </summary>
    public static async Task<JobInfo> FindAsync(Session s, string text, CancellationToken ct, string? option = null)
    {
        var at = text.IndexOf('@');
        var (pipeline, id) = at < 0 ? (null, text) : (text[..at], text[(at + 1)..]);
        var where = option is null ? "" : $"{option}: ";
        if (id.Length == 0)
        {
            throw new PipeException(ErrorCodes.JobNotFound, $"{where}'{text}' names no job: give a job id, or pipeline@job. 'dotnet pipe job list' shows the jobs.");
        }

        JobInfo job;
        try
        {
            job = await s.Engine.Jobs.GetAsync(id, ct);
        }
        catch (PipeException e) when (option is not null)
        {
            throw new PipeException(e.Code, where + e.Message);
        }

        return pipeline is null || job.Pipeline == pipeline ? job
            : throw new PipeException(ErrorCodes.JobNotFound, $"{where}job {job.Id} is a job of pipeline '{job.Pipeline}', not of '{pipeline}'.");
    }

    private static Command List()
    {
        var pipeline = new Option<string?>("--pipeline", "-p") { Description = "Only this pipeline's jobs." };
        return Cli.Command("list", "List jobs, newest first.", [pipeline], async (s, ct) =>
        {
            var jobs = await s.Engine.Jobs.ListAsync(s.Get(pipeline), ct);
            if (s.Get(pipeline) is { } name && jobs.Count == 0)
            {
                await s.Engine.Registry.GetAsync(name, ct); // no jobs: a misspelt name is an error, not an empty list
            }

            s.Out.Write(jobs, JobRow.Table);
            return ExitCodes.Ok;
        });
    }

    private static Command Inspect()
    {
        var job = new Argument<string>("job");
        return Cli.Command("inspect", "Show a job: state, datum counts, inputs, output commit, egress, failures.", [job], async (s, ct) =>
        {
            var info = await FindAsync(s, s.Get(job), ct);
            s.Out.Write(info, j => (["FIELD", "VALUE"],
            [
                ["Job", j.Id], ["Pipeline", j.Pipeline], ["State", j.State.ToString().ToLowerInvariant()], ["Started", j.Started.ToString("u")],
                ["Duration", j.Duration is { } d ? $"{d.TotalSeconds:0.0} s" : "-"],
                ["Datums", $"{j.DatumSummary}, {j.DatumsTotal} total"],
                ["Downloaded", Cli.Bytes(j.BytesDownloaded)], ["Uploaded", Cli.Bytes(j.BytesUploaded)],
                ["Inputs", string.Join(", ", j.Inputs.Select(i => $"{i.Repo}@{i.Commit}"))], ["Output commit", j.OutputCommit ?? "-"],
                ["Egress", j.Egress is { } e ? (e.Incomplete == true ? $"{e.Url}: not complete" : $"{e.Url}: {e.Written} written, {e.Deleted} deleted") : "-"], ["Reason", j.Reason ?? ""],
            ]));
            return ExitCodes.Ok;
        });
    }

    private static Command Logs()
    {
        var job = new Argument<string>("job") { Description = "A job id or unique prefix, or pipeline@job." };
        var datum = new Option<string?>("--datum") { Description = "Only this datum's log (id or prefix)." };
        return Cli.Command("logs", "Print the transform output of a job's datums (failed ones first).", [job, datum], async (s, ct) =>
        {
            var info = await FindAsync(s, s.Get(job), ct);
            await JobLogs.PrintAsync(s, info, new LogQuery(await LogsCommand.DatumAsync(s, info, s.Get(datum), ct)), ct);
            return ExitCodes.Ok;
        }, formatOption: false);
    }

    private static Command Wait()
    {
        var job = new Argument<string>("job") { Description = "A job id or unique prefix, or pipeline@job." };
        return Cli.Command("wait", "Wait until a job ends and print its final state; exit code 1 unless it succeeded (pachctl wait job).", [job], async (s, ct) =>
        {
            var info = await FindAsync(s, s.Get(job), ct);
            while (info.State is JobState.Starting or JobState.Running)
            {
                await Task.Delay(WaitInterval, ct);
                info = await s.Engine.Jobs.GetAsync(info.Id, ct); // ends it as killed when its owner is gone
            }

            s.Out.Result(info, $"job {info.Id} {info.Pipeline}: {info.State.ToString().ToLowerInvariant()}");
            return info.State == JobState.Success ? ExitCodes.Ok
                : throw new PipeException(ErrorCodes.JobDidNotSucceed, $"job {info.Id} of pipeline '{info.Pipeline}' ended {info.State.ToString().ToLowerInvariant()}: {info.Reason}");
        });
    }

    private static Command Restart()
    {
        var job = new Argument<string>("job");
        return Cli.Command("restart", "Run the job's pipeline again: failed datums retry, successful ones are reused.", [job], async (s, ct) =>
        {
            var info = await FindAsync(s, s.Get(job), ct);
            var jobs = await JobReporter.RunAsync(s.Console, progress => s.Engine.RunAsync([info.Pipeline], force: true, progress, ct));
            return RunCommands.Report(s, jobs);
        });
    }

    private static Command Kill()
    {
        var job = new Argument<string>("job");
        return Cli.Command("kill", "Stop a running job; its datums are cancelled and the previous output stays.", [job], async (s, ct) =>
        {
            var info = await s.Engine.Jobs.KillAsync(s.Get(job), "'dotnet pipe job kill'", ct);
            await ExecutorFactory.StopWorkersAsync(s, info, ct);
            s.Out.Result(info, $"job {info.Id} is {info.State.ToString().ToLowerInvariant()}");
            return ExitCodes.Ok;
        });
    }
}
