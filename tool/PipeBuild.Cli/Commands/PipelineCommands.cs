using System.CommandLine;
using System.Text.RegularExpressions;
using PipeBuild.Core;
using PipeBuild.Core.Pipelines;
using PipeBuild.Engine;
using PipeBuild.Evaluation;

namespace PipeBuild.Cli.Commands;

/// <summary><c>pipeline create|update|list|inspect|delete|convert</c>.</summary>
internal static partial class PipelineCommands
{
    public static Command Create() =>
        Cli.Group("pipeline", "Create, update, list, inspect, stop, start, delete and convert pipelines.",
            Save("create", update: false), Save("update", update: true), List(), Inspect(), Stop("stop", stopped: true), Stop("start", stopped: false), Delete(), Convert());

    /// <summary>
    /// Every pipeline of a .pipeproj (evaluated by MSBuild) or a Pachyderm JSON spec file (which may hold several), with
    /// -p:Name=Value properties, for the workspace's default branch (inputs without a branch read it, the output goes to it).
    /// </summary>
    public static IReadOnlyList<PipelineSpec> Load(Session s, string file, string[] properties) =>
        PipelineLoader.LoadAll(Existing(s, file), s.PipelineProperties(ParseProperties(properties, [file])), s.PipelineDefaultBranch, notice: s.Out.Note);

    private static string Existing(Session s, string file)
    {
        var path = s.FullPath(file);
        return File.Exists(path) ? path : throw new PipeException(ErrorCodes.SourceUnreadable, $"cannot read '{file}': no such file.");
    }

    /// <summary>
    /// <c>-p:Name=Value</c> words as properties for <paramref name="files"/> (all the workspace's .pipeproj files when
    /// none): refused when none is a .pipeproj, as only MSBuild reads them (a JSON spec honours the default executor alone).
    /// </summary>
    public static Dictionary<string, string> ParseProperties(string[] properties, IReadOnlyCollection<string> files)
    {
        var values = ParseProperties(properties);
        var unread = values.Keys.FirstOrDefault(k => !k.Equals(PipelineLoader.DefaultExecutorProperty, StringComparison.OrdinalIgnoreCase));
        if (unread is not null && files.Count > 0 && !files.Any(PipelineLoader.IsProject))
        {
            throw new PipeException(
                ErrorCodes.InvalidArguments,
                $"-p:{unread} sets an MSBuild property, which only a {PipelineLoader.ProjectExtension} file reads, and {string.Join(", ", files.Select(f => $"'{f}'"))} holds JSON specs. Remove it; in a spec, set the value itself.");
        }

        return values;
    }

    /// <summary><c>-p:Name=Value</c> words as a dictionary (names case-insensitive, as in MSBuild).</summary>
    private static Dictionary<string, string> ParseProperties(string[] properties)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var property in properties)
        {
            var equals = property.IndexOf('=');
            if (equals <= 0)
            {
                throw new PipeException(ErrorCodes.InvalidArguments, $"-p:{property} must be -p:Name=Value.");
            }

            if (!PropertyName().IsMatch(property[..equals]))
            {
                throw new PipeException(ErrorCodes.InvalidArguments, $"-p:{property}: '{property[..equals]}' is not a property name. Use ASCII letters, digits, '_' or '-', starting with a letter or '_'.");
            }

            values[property[..equals]] = property[(equals + 1)..];
        }

        return values;
    }

    /// <summary>The names MSBuild takes for a global property: it throws on any other, which was an internal error.</summary>
    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex PropertyName();

    public static Option<string[]> PropertiesOption() =>
        new("--property", "-p") { Description = "Set an MSBuild property for evaluation: -p:Name=Value (repeatable).", Arity = ArgumentArity.ZeroOrMore };

    private static Command Save(string verb, bool update)
    {
        var file = new Option<string>("--file", "-f") { Description = "A .pipeproj file or a Pachyderm JSON pipeline spec.", Required = true };
        var properties = PropertiesOption();
        var reprocess = new Option<bool>("--reprocess") { Description = "Rerun every datum, even those the previous definition already processed." };
        var noReprocess = new Option<bool>("--no-reprocess") { Description = "Keep the results of datums already processed: only new or changed datums run (the default, as in Pachyderm)." };
        var noRun = new Option<bool>("--no-run") { Description = "Register only and return: the jobs are left to a running 'dotnet pipe watch' or the next 'run'." };
        var executor = new Option<string?>("--executor")
        {
            Description = "Where datums run, overriding the file's Executor: local (a process), docker (a container of the pipeline's image) or kubernetes (a Job of worker pods; an S3 store).",
        };
        executor.AcceptOnlyFromAmong([.. ExecutorNames.All]);
        Symbol[] symbols = update ? [file, properties, executor, reprocess, noReprocess, noRun] : [file, properties, executor, noRun];
        var description = update
            ? "Change a pipeline's definition and bring its output up to date, keeping the results of datums already processed (all rerun with --reprocess)."
            : "Register a pipeline, create its output repo, and run it on the inputs' current commits.";
        return Cli.Command(verb, description, symbols, async (s, ct) =>
        {
            if (s.Get(reprocess) && s.Get(noReprocess))
            {
                throw new PipeException(ErrorCodes.InvalidArguments, "--reprocess and --no-reprocess cannot be used together.");
            }

            var specs = new List<PipelineSpec>();
            foreach (var loaded in Load(s, s.Get(file), s.Get(properties) ?? []))
            {
                var spec = await WorkspacePipelines.ResolvePackagesAsync(s, loaded, ct);
                specs.Add(s.Get(executor) is { } chosen ? spec with { Executor = chosen } : spec);
            }

            if (!s.Get(noRun))
            {
                foreach (var spec in specs)
                {
                    // Before anything is stored: the executor can run it (docker: the engine answers, the image is there), and
                    // the secrets it names are here.
                    await using var check = ExecutorFactory.Create(spec.Executor, s);
                    await check.ResolveIdentityAsync(spec, ct);
                    if (spec.Secrets.Count > 0)
                    {
                        s.Workspace.Secrets.IdentityOf(spec);
                    }
                }
            }

            var pipelines = await s.Engine.Registry.SaveAllAsync(specs, update, s.Get(reprocess) ? Reprocess.All : Reprocess.None, ct);
            foreach (var pipeline in pipelines)
            {
                s.Out.Line($"{(update ? "updated" : "created")} pipeline '{pipeline.Name}' (version {pipeline.Version}), output repo '{pipeline.Name}'");
            }

            if (s.Get(noRun))
            {
                if (s.Out.IsJson)
                {
                    s.Out.Json(new List<JobInfo>());
                }

                return ExitCodes.Ok;
            }

            // A new output (a retrained model) is a write to the pipeline's repo: what reads it follows, as after a put.
            string[] names = [.. pipelines.Select(p => p.Name)];
            var jobs = await JobReporter.RunAsync(s.Console, async progress => (IReadOnlyList<JobInfo>)[
                .. await s.Engine.RunAsync(names, force: false, progress, ct),
                .. await s.Engine.RunDownstreamAsync(names, progress, ct)]);
            return RunCommands.Report(s, jobs);
        });
    }

    private static Command List() =>
        Cli.Command("list", "List pipelines.", [], async (s, ct) =>
        {
            var pipelines = await s.Engine.Registry.ListAsync(ct);
            s.Out.Write(pipelines, p => (["NAME", "VERSION", "INPUTS", "EXECUTOR", "UPDATED", "DESCRIPTION"],
                p.Select(x => new[] { x.Name, x.Version.ToString(), string.Join(", ", x.InputRepos), x.Spec.Executor, Cli.Ago(x.Updated), x.Spec.Description ?? "" })));
            return ExitCodes.Ok;
        });

    private static Command Inspect()
    {
        var name = new Argument<string?>("name") { Description = "A registered pipeline.", Arity = ArgumentArity.ZeroOrOne };
        var file = new Option<string?>("--file", "-f") { Description = "Show what this .pipeproj or Pachyderm JSON spec evaluates to, without registering it." };
        var properties = PropertiesOption();
        return Cli.Command("inspect", "Show a pipeline's definition and whether it is up to date, or with -f what a pipeline file evaluates to.", [name, file, properties], async (s, ct) =>
        {
            if (s.Get(file) is { } path)
            {
                if (s.Get(name) is not null)
                {
                    throw new PipeException(ErrorCodes.InvalidArguments, "give a pipeline name or -f FILE, not both.");
                }

                var evaluated = Load(s, path, s.Get(properties) ?? []);
                if (s.Out.IsJson)
                {
                    // one spec as an object, which scripts read before a file could hold several; several as an array
                    if (evaluated is [var one])
                    {
                        s.Out.Json(one);
                    }
                    else
                    {
                        s.Out.Json(evaluated);
                    }

                    return ExitCodes.Ok;
                }

                foreach (var (spec, i) in evaluated.Select((x, i) => (x, i)))
                {
                    if (i > 0)
                    {
                        s.Console.Out.WriteLine();
                    }

                    s.Out.Table(["FIELD", "VALUE"], Rows(spec));
                }

                return ExitCodes.Ok;
            }

            var pipeline = await s.Engine.Registry.GetAsync(s.Get(name) ?? throw new PipeException(
                ErrorCodes.InvalidArguments, "name a pipeline, or give -f FILE. 'dotnet pipe pipeline list' shows the pipelines."), ct);
            if (s.Out.IsJson)
            {
                s.Out.Json(pipeline);
                return ExitCodes.Ok;
            }

            var status = await s.Engine.StatusAsync(pipeline, ct);
            s.Out.Table(["FIELD", "VALUE"],
            [
                .. Rows(pipeline.Spec), ["Version", pipeline.Version.ToString()],
                ["Up to date", status.UpToDate ? "yes" : "no: " + status.Why],
            ]);
            return ExitCodes.Ok;
        });
    }

    private static string[][] Rows(PipelineSpec spec) => [.. PipelineFields.Of(spec).Select(f => new[] { f.Field, f.Value })];

    /// <summary>pachctl's <c>stop pipeline</c> and <c>start pipeline</c>.</summary>
    private static Command Stop(string verb, bool stopped)
    {
        var name = new Argument<string>("name");
        var description = stopped
            ? "Stop a pipeline: it runs no job (run and watch skip it) and watch stops its spout's process, until 'pipeline start'."
            : "Start a stopped pipeline again: the next run or watch brings it up to date (and watch starts its spout's process).";
        return Cli.Command(verb, description, [name], async (s, ct) =>
        {
            var pipeline = await s.Engine.Registry.SetStoppedAsync(s.Get(name), stopped, ct);
            s.Out.Result(pipeline, $"{(stopped ? "stopped" : "started")} pipeline '{pipeline.Name}'");
            return ExitCodes.Ok;
        });
    }

    private static Command Delete()
    {
        var name = new Argument<string>("name");
        var keepRepo = new Option<bool>("--keep-repo") { Description = "Keep the pipeline's output repo." };
        return Cli.Command("delete", "Delete a pipeline, its jobs and (unless --keep-repo) its output repo.", [name, keepRepo], async (s, ct) =>
        {
            await s.Engine.Registry.DeleteAsync(s.Get(name), s.Get(keepRepo), ct);
            s.Out.Result(new DeletedResult(s.Get(name)), $"deleted pipeline '{s.Get(name)}'");
            return ExitCodes.Ok;
        });
    }

    private static Command Convert()
    {
        var spec = new Argument<string>("spec.json") { Description = "A Pachyderm JSON pipeline spec." };
        var output = new Option<string?>("--out") { Description = "Where to write the .pipeproj (default: NAME.pipeproj beside the spec; - for stdout)." }.NotEmpty("a path");
        return Cli.Command("convert", "Write the .pipeproj equivalent of a Pachyderm JSON pipeline spec.", [spec, output], (s, _) =>
        {
            var loaded = PipelineLoader.Load(Existing(s, s.Get(spec)), s.PipelineProperties(new Dictionary<string, string>()), s.PipelineDefaultBranch, s.Out.Note);
            var text = PipeprojWriter.Write(loaded, defaultBranch: s.PipelineDefaultBranch);
            var target = s.Get(output) is { } named ? (named == "-" ? named : s.FullPath(named)) : Path.Combine(Path.GetDirectoryName(s.FullPath(s.Get(spec)))!, loaded.Name + ".pipeproj");
            if (target == "-")
            {
                s.Console.Out.Write(text);
            }
            else
            {
                try
                {
                    File.WriteAllText(target, text);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    throw new PipeException(ErrorCodes.OutputUnwritable, $"cannot write '{target}': {e.Message}");
                }

                s.Console.Out.WriteLine($"wrote {target}");
            }

            return Task.FromResult(ExitCodes.Ok);
        }, formatOption: false);
    }
}
