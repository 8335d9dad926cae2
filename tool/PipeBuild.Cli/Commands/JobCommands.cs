using System.CommandLine;
using System.Text;
using PipeBuild.Core;
using PipeBuild.Engine;
using PipeBuild.Store;

namespace PipeBuild.Cli.Commands;

/// <summary><c>job list|inspect|logs|restart|kill</c> and <c>datum list</c>.</summary>
internal static class JobCommands
{
    public static Command Create() => Cli.Group("job", "List, inspect, read the logs of, restart and kill jobs.", List(), Inspect(), Logs(), Restart(), Kill());

    public static Command Datums()
    {
        var job = new Argument<string>("job") { Description = "A job id or unique prefix." };
        var list = Cli.Command("list", "List a job's datums: what each read, its result key, and whether it ran, was reused or failed.", [job], async (s, ct) =>
        {
            var info = await s.Engine.Jobs.GetAsync(s.Get(job), ct);
            s.Out.Write(await s.Engine.Jobs.GetDatumsAsync(info, ct), d => (["DATUM", "STATE", "INPUTS", "RESULT KEY"], d.Select(x => new[] { x.Id, x.State.Name(), x.Description, x.Hash[..16] })));
            return ExitCodes.Ok;
        });
        return Cli.Group("datum", "Inspect datums.", list);
    }

    private static Command List()
    {
        var pipeline = new Option<string?>("--pipeline", "-p") { Description = "Only this pipeline's jobs." };
        return Cli.Command("list", "List jobs, newest first.", [pipeline], async (s, ct) =>
        {
            var jobs = await s.Engine.Jobs.ListAsync(s.Get(pipeline), ct);
            s.Out.Write(jobs, JobRow.Table);
            return ExitCodes.Ok;
        });
    }

    private static Command Inspect()
    {
        var job = new Argument<string>("job");
        return Cli.Command("inspect", "Show a job: state, datum counts, inputs, output commit, failures.", [job], async (s, ct) =>
        {
            var info = await s.Engine.Jobs.GetAsync(s.Get(job), ct);
            s.Out.Write(info, j => (["FIELD", "VALUE"],
            [
                ["Job", j.Id], ["Pipeline", j.Pipeline], ["State", j.State.ToString().ToLowerInvariant()], ["Started", j.Started.ToString("u")],
                ["Duration", j.Duration is { } d ? $"{d.TotalSeconds:0.0} s" : "-"],
                ["Datums", $"{j.DatumsProcessed} ran, {j.DatumsSkipped} reused, {j.DatumsFailed} failed, {j.DatumsTotal} total"],
                ["Downloaded", Cli.Bytes(j.BytesDownloaded)], ["Uploaded", Cli.Bytes(j.BytesUploaded)],
                ["Inputs", string.Join(", ", j.Inputs.Select(i => $"{i.Repo}@{i.Commit}"))], ["Output commit", j.OutputCommit ?? "-"], ["Reason", j.Reason ?? ""],
            ]));
            return ExitCodes.Ok;
        });
    }

    private static Command Logs()
    {
        var job = new Argument<string>("job");
        var datum = new Option<string?>("--datum") { Description = "Only this datum's log (id or prefix)." };
        return Cli.Command("logs", "Print the transform output of a job's datums (failed ones first).", [job, datum], async (s, ct) =>
        {
            var info = await s.Engine.Jobs.GetAsync(s.Get(job), ct);
            var datums = (await s.Engine.Jobs.GetDatumsAsync(info, ct)).Where(d => d.LogHash is not null && (s.Get(datum) is not { } id || d.Id.StartsWith(id, StringComparison.Ordinal)))
                .OrderBy(d => d.State == DatumState.Failed ? 0 : 1).ToList();
            foreach (var d in datums)
            {
                var log = Encoding.UTF8.GetString(await s.Store.Content.ReadAllAsync(new FileContent(EntryKind.File, d.LogHash!, 0), ct));
                s.Console.Out.WriteLine($"=== datum {d.Id[..12]} ({d.Description}) {d.State.Name()} ===");
                s.Console.Out.Write(log);
            }

            if (datums.Count == 0 && s.Get(datum) is null && info is { State: JobState.Failure or JobState.Killed, Reason: { } reason })
            {
                // It ended before any datum wrote a log (the command could not start, the job was killed): why is all there is.
                s.Console.Out.WriteLine($"=== job {info.Id[..12]} {info.State.ToString().ToLowerInvariant()} before any datum logged ===");
                s.Console.Out.WriteLine(reason);
            }

            return ExitCodes.Ok;
        }, formatOption: false);
    }

    private static Command Restart()
    {
        var job = new Argument<string>("job");
        return Cli.Command("restart", "Run the job's pipeline again: failed datums retry, successful ones are reused.", [job], async (s, ct) =>
        {
            var info = await s.Engine.Jobs.GetAsync(s.Get(job), ct);
            var jobs = await JobReporter.RunAsync(s.Console, progress => s.Engine.RunAsync([info.Pipeline], force: true, progress, ct));
            return RunCommands.Report(s, jobs);
        });
    }

    private static Command Kill()
    {
        var job = new Argument<string>("job");
        return Cli.Command("kill", "Stop a running job; its datums are cancelled and the previous output stays.", [job], async (s, ct) =>
        {
            var info = await s.Engine.Jobs.KillAsync(s.Get(job), ct);
            await ExecutorFactory.StopWorkersAsync(s, info, ct);
            s.Out.Result(info, $"job {info.Id} is {info.State.ToString().ToLowerInvariant()}");
            return ExitCodes.Ok;
        });
    }
}
