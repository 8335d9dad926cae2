using System.CommandLine;
using PipeBuild.Core;
using PipeBuild.Executors.Local;
using PipeBuild.Workers;

namespace PipeBuild.Cli.Commands;

/// <summary><c>worker</c>: what a kubernetes executor's pod runs (docs/kubernetes.md).</summary>
internal static class WorkerCommands
{
    public static Command Worker()
    {
        var job = new Option<string?>("--job") { Description = "The job whose datums to run (default: $PIPE_WORKER_JOB)." };
        var store = new Option<string?>("--store") { Description = "The store to work from, e.g. s3://bucket/prefix (default: $PIPE_STORE, else the workspace's store)." };
        var name = new Option<string?>("--name") { Description = "This worker's name in claims and logs (default: $PIPE_WORKER_NAME, else host name and process id)." };
        var scratch = new Option<string?>("--scratch") { Description = "Where datum sandboxes are made (default: a folder under the temp folder)." };
        return Cli.Command(
            "worker",
            "Claim and run a job's datums from the store until the job's run closes (what the kubernetes executor's pods run).",
            [job, store, name, scratch],
            async (s, ct) =>
            {
                var jobId = s.Get(job) ?? s.Console.Variable("PIPE_WORKER_JOB");
                if (string.IsNullOrWhiteSpace(jobId))
                {
                    throw new PipeException(ErrorCodes.WorkerJobRequired, "the worker needs a job id. Pass --job ID or set PIPE_WORKER_JOB (the kubernetes executor's Job does).");
                }

                var worker = s.Get(name) ?? s.Console.Variable("PIPE_WORKER_NAME") ?? $"{Environment.MachineName}-{Environment.ProcessId}";
                var location = s.Get(store) ?? s.Console.Variable("PIPE_STORE");
                await using var objects = location is null ? null : Workspace.ForStore(location).OpenObjectStore();
                var options = new WorkerOptions(jobId, worker, s.Get(scratch) is { } folder ? s.FullPath(folder) : Path.Combine(Path.GetTempPath(), "pipebuild-worker", worker));
                await using var executor = new LocalExecutor(); // its disposal removes the sandbox folders it kept
                await new Worker(objects ?? s.Store.Objects, executor, options, s.Console.Out).RunAsync(ct);
                return ExitCodes.Ok;
            },
            formatOption: false);
    }
}
