using System.CommandLine;
using PipeBuild.Core;
using PipeBuild.Core.Pipelines;
using PipeBuild.Engine;
using PipeBuild.Executors.Docker;
using PipeBuild.Executors.Local;
using PipeBuild.WebConsole;

namespace PipeBuild.Cli.Commands;

/// <summary><c>run</c>, <c>status</c>, <c>dag</c>, <c>watch</c>: the workspace as a build graph.</summary>
internal static class RunCommands
{
    public static Command Run()
    {
        var pipelines = new Argument<string[]>("pipeline") { Description = "Pipelines to bring up to date (with what they depend on); all when none.", Arity = ArgumentArity.ZeroOrMore };
        var question = new Option<bool>("--question", "-q") { Description = "Run nothing: say what would run and why; exit code 1 if anything would." };
        var force = new Option<bool>("--force") { Description = "Start a job even for up-to-date pipelines (stored results are still reused)." };
        var files = new Option<string[]>("--file", "-f") { Description = "Register and run only these pipeline files (.pipeproj or .json) instead of the workspace's .pipeproj files. Repeatable.", Arity = ArgumentArity.ZeroOrMore }.NotEmpty("a path");
        var properties = PipelineCommands.PropertiesOption();
        return Cli.Command("run", "Register the workspace's new or changed .pipeproj files (or the --file ones), then bring pipelines up to date in dependency order, rerunning only datums whose inputs or transform changed.", [pipelines, question, force, files, properties], async (s, ct) =>
        {
            var specs = await WorkspacePipelines.LoadAsync(s, s.Get(files) ?? [], PipelineCommands.ParseProperties(s.Get(properties) ?? [], s.Get(files) ?? []), ct);
            // With --file, the files' pipelines are what to bring up to date (besides any named).
            string[] wanted = [.. s.Get(pipelines) ?? [], .. (s.Get(files) ?? []).Length > 0 ? specs.Select(x => x.Name) : []];
            if (s.Get(question))
            {
                var statuses = await StatusWithDefinitionsAsync(s, specs, ct);
                statuses = [.. statuses.Where(x => wanted.Length == 0 || wanted.Contains(x.Pipeline))];
                WriteStatus(s, statuses);
                return statuses.All(x => x.UpToDate) ? ExitCodes.Ok : ExitCodes.UserError;
            }

            await WorkspacePipelines.SyncAsync(s, specs, ct);
            foreach (var stopped in (await s.Engine.Registry.ListAsync(ct)).Where(p => p.Stopped && wanted.Contains(p.Name)))
            {
                s.Out.Note($"pipeline '{stopped.Name}' is stopped: it runs no job until 'dotnet pipe pipeline start {stopped.Name}'");
            }

            var jobs = await JobReporter.RunAsync(s.Console, progress => s.Engine.RunAsync(wanted, s.Get(force), progress, ct));
            if (jobs.Count == 0 && !s.Out.IsJson)
            {
                s.Console.Out.WriteLine("everything is up to date");
            }

            return Report(s, jobs);
        });
    }

    public static Command Status() =>
        Cli.Command("status", "Say, per pipeline, whether it is up to date and why not (same as run --question).", [], async (s, ct) =>
        {
            WriteStatus(s, await StatusWithDefinitionsAsync(s, await WorkspacePipelines.LoadAsync(s, [], new Dictionary<string, string>(), ct), ct));
            return ExitCodes.Ok;
        });

    public static Command Dag()
    {
        var format = new Option<string?>("--format") { Description = "Draw the graph instead of listing it: mermaid (for Markdown), dot (Graphviz) or svg (the console's picture), each pipeline coloured by its state." };
        format.AcceptOnlyFromAmong("mermaid", "dot", "svg");
        return Cli.Command("dag", "Show the pipeline graph: each pipeline with the repos it reads and the repo it writes, or (--format) a picture of it.", [format], async (s, ct) =>
        {
            if (s.Get(format) is { } kind)
            {
                var picture = (await WorkspaceState.LoadAsync(s.Engine, ct)).Picture;
                s.Console.Out.Write(kind switch { "mermaid" => picture.ToMermaid(), "dot" => picture.ToDot(), _ => picture.ToSvg() + "\n" });
                return ExitCodes.Ok;
            }

            var ordered = PipelineGraph.Order(await s.Engine.Registry.ListAsync(ct));
            s.Out.Write(ordered, p => (["PIPELINE", "READS", "WRITES"], p.Select(x => new[] { x.Name, string.Join(", ", x.InputRepos), $"{x.Name}@{x.Spec.OutputBranch}" })));
            return ExitCodes.Ok;
        });
    }

    public static Command Watch()
    {
        var interval = new Option<double>("--interval") { Description = "Seconds between checks (at most a day).", DefaultValueFactory = _ => 2 }.Between(0, 86400);
        return Cli.Command("watch", "Keep every pipeline up to date, and every spout's process running, until Ctrl+C.", [interval], async (s, ct) =>
        {
            s.Console.Error.WriteLine("watching for new input commits; Ctrl+C to stop");
            await using var processes = new LongRunningSupervisor(s.Engine, (pipeline, inputs, token) => RunProcessAsync(s, pipeline, inputs, token), s.Console.Error.WriteLine);
            string? lastError = null;
            while (!ct.IsCancellationRequested)
            {
                // A pass that fails (a secret deleted, the container engine or the S3 server away for a while) is said once and
                // tried again next time: watch keeps everything else running rather than end with it.
                try
                {
                    await processes.CheckAsync(ct);
                    var jobs = await JobReporter.RunAsync(s.Console, progress => s.Engine.RunAsync([], force: false, progress, ct));
                    JobReporter.Summarize(s.Console.Out, jobs);
                    lastError = null;
                }
                catch (PipeException e) when (!ct.IsCancellationRequested)
                {
                    if (e.ToString() != lastError)
                    {
                        s.Console.Error.WriteLine($"error {e.Code}: {e.Message} (watch goes on; it tries again every pass)");
                        lastError = e.ToString();
                    }
                }

                await Task.Delay(TimeSpan.FromSeconds(s.Get(interval)), ct);
            }

            return ExitCodes.Ok;
        });
    }

    /// <summary>
    /// A spout's or a service's process on this machine, its lines on stderr after <c>spout NAME:</c> (or <c>service
    /// NAME:</c>). A spout gets the workspace it commits to and its name (<see cref="LongRunningSupervisor.SpoutVariable"/>,
    /// which makes its puts the pipeline's); a service its <paramref name="inputs"/> under its own <c>/pfs</c>, with a
    /// variable per input as a datum has.
    /// </summary>
    private static async Task<int> RunProcessAsync(Session s, PipelineDocument pipeline, JobInputs? inputs, CancellationToken cancellationToken)
    {
        var kind = pipeline.Spec.Spout ? "spout" : "service";
        void Log(string line) => s.Console.Error.WriteLine($"{kind} {pipeline.Name}: {line}");
        var scratch = Path.Combine(s.Workspace.MetadataPath, "tmp", kind + "s", pipeline.Name);
        var variables = new Dictionary<string, string> { ["PIPE_WORKSPACE"] = s.Workspace.Root, ["PIPE_PIPELINE"] = pipeline.Name };
        string? pfs = null;
        if (inputs is null)
        {
            variables[LongRunningSupervisor.SpoutVariable] = pipeline.Name;
        }
        else
        {
            pfs = Path.Combine(scratch, "in");
            await ServiceInputs.CheckoutAsync(s.Store, inputs, pfs, cancellationToken);
            if (pipeline.Spec.Executor == ExecutorNames.Docker)
            {
                // In its container /pfs is real: each input's folder is mounted there.
                await using var docker = new DockerExecutor(DockerExecutorOptions.FromEnvironment() with { Secrets = s.Workspace.Secrets });
                var folders = inputs.Commits.Keys.ToDictionary(name => name, name => Path.Combine(pfs, name));
                var inContainer = folders.Keys.ToDictionary(name => name, name => $"{DatumEnvironment.ContainerPfs}/{name}");
                return await docker.RunServiceAsync(pipeline.Spec, folders, inContainer, Log, cancellationToken);
            }

            variables["PIPE_PFS"] = pfs;
            foreach (var name in inputs.Commits.Keys)
            {
                variables[name] = Path.Combine(pfs, name);
            }
        }

        return await LongRunningProcess.RunAsync(pipeline.Spec, variables, scratch, pfs, Log, s.Workspace.Secrets, cancellationToken);
    }

    /// <summary>Prints the jobs a command ran (JSON or lines) and returns 2 if one failed.</summary>
    public static int Report(Session s, IReadOnlyList<JobInfo> jobs)
    {
        if (s.Out.IsJson)
        {
            s.Out.Json(jobs);
        }
        else
        {
            JobReporter.Summarize(s.Console.Out, jobs);
        }

        return JobReporter.ExitCode(jobs);
    }

    /// <summary>
    /// The engine's status, the workspace's .pipeproj files that are new or changed since registered judged as
    /// <c>run</c> will once it has registered them.
    /// </summary>
    private static async Task<IReadOnlyList<PipelineStatus>> StatusWithDefinitionsAsync(Session s, IReadOnlyList<PipelineSpec> specs, CancellationToken ct)
    {
        var changes = await WorkspacePipelines.FindChangesAsync(s, specs, ct);
        var pending = new List<PipelineDocument>();
        foreach (var (spec, _) in changes)
        {
            pending.Add(await s.Engine.Registry.PreviewAsync(spec, Reprocess.Changed, ct));
        }

        var statuses = (await s.Engine.StatusAsync(pending, ct)).ToList();
        foreach (var (spec, exists) in changes)
        {
            var file = Path.GetRelativePath(s.Workspace.Root, spec.SourceFile!);
            var index = statuses.FindIndex(x => x.Pipeline == spec.Name);
            statuses[index] = statuses[index] with { Reason = $"{file} {(exists ? "changed since it was registered" : "is not registered yet")}; {statuses[index].Reason}" };
        }

        return statuses;
    }

    private static void WriteStatus(Session s, IReadOnlyList<PipelineStatus> statuses) =>
        s.Out.Write(statuses, x => (["PIPELINE", "STATUS", "DATUMS", "WHY"],
            x.Select(p => new[] { p.Pipeline, p.Step switch { StalenessStep.Stopped => "stopped", StalenessStep.Spout => "spout", StalenessStep.Service => "service", _ => p.UpToDate ? "up to date" : "out of date" }, p.Datums?.Total.ToString() ?? "-", p.Why })));
}
