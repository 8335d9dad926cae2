using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Microsoft.Build.Construction;
using Microsoft.Build.Definition;
using Microsoft.Build.Evaluation;
using Microsoft.Build.Evaluation.Context;
using Microsoft.Build.Exceptions;
using PipeBuild.Core;
using PipeBuild.Core.Pipelines;

namespace PipeBuild.Evaluation;

/// <summary>
/// The MSBuild side of <see cref="PipeprojEvaluator"/>: evaluates the project in a fresh
/// <see cref="ProjectCollection"/> and maps its properties and items to a <see cref="PipelineSpec"/>.
/// </summary>
internal static partial class PipeprojReader
{
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static PipeprojEvaluation Read(string path, IReadOnlyDictionary<string, string> globalProperties, string sdksDirectory, string defaultBranch)
    {
        var globals = new Dictionary<string, string>(globalProperties, StringComparer.OrdinalIgnoreCase);
        // A new collection each time: its cache of parsed files would otherwise serve a file as it was at
        // the first evaluation, and nothing of one evaluation should leak into the next.
        using var collection = NewCollection(globals, path);
        Project project;
        try
        {
            var xml = ProjectRootElement.Open(path, collection);
            ImportBundledSdk(xml, sdksDirectory);
            project = Project.FromProjectRootElement(xml, new ProjectOptions
            {
                ProjectCollection = collection,
                GlobalProperties = globals,
                LoadSettings = ProjectLoadSettings.Default,
                EvaluationContext = EvaluationContext.Create(EvaluationContext.SharingPolicy.Isolated),
            });
        }
        catch (InvalidProjectFileException e)
        {
            throw Malformed(e, path);
        }
        catch (ArgumentException e)
        {
            // MSBuild refuses invalid global property names this way.
            throw PipelineErrors.Invalid(path, $"invalid -p property: {e.Message.TrimEnd('.')}.", "Use -p:Name=Value with a valid MSBuild property name.");
        }

        return new PipeprojEvaluation(
            new Mapper(project, path, defaultBranch).Spec(), Inputs(project, sdksDirectory), ReferencedProperties(project), IsRepeatable(project, sdksDirectory));
    }

    /// <summary>
    /// A collection with <paramref name="globals"/>. MSBuild refuses a global property named as one it sets itself
    /// (<c>MSBuildProjectFile</c>, <c>MSBuildThisFile</c>, ...) with an <see cref="InvalidProjectFileException"/>
    /// that names no file; that is a bad <c>-p</c>, so the error names the property.
    /// </summary>
    private static ProjectCollection NewCollection(Dictionary<string, string> globals, string path)
    {
        try
        {
            return new ProjectCollection(globals, loggers: null, ToolsetDefinitionLocations.Default);
        }
        catch (InvalidProjectFileException e)
        {
            // The message is localized, so find the name by trying each property alone (only on this failure path).
            var reserved = globals.Keys.Order(StringComparer.OrdinalIgnoreCase).FirstOrDefault(name => IsRefused(name, globals[name]));
            throw reserved is null
                ? PipelineErrors.Invalid(path, $"invalid -p property: {e.BaseMessage.Trim().TrimEnd('.')}.", "Use -p:Name=Value with a name MSBuild does not reserve.")
                : PipelineErrors.Invalid($"{path}: -p:{reserved}", $"'{reserved}' is a property name reserved by MSBuild, which sets it itself; it cannot be given with -p.", "Use another name.");
        }
    }

    private static bool IsRefused(string name, string value)
    {
        try
        {
            new ProjectCollection(new Dictionary<string, string> { [name] = value }, loggers: null, ToolsetDefinitionLocations.None).Dispose();
            return false;
        }
        catch (InvalidProjectFileException)
        {
            return true;
        }
    }

    /// <summary>
    /// <c>&lt;Project Sdk="PipeBuild.Sdk"&gt;</c> imports the SDK bundled with the tool, as MSBuild would import an SDK it
    /// resolved: its Sdk.props first and its Sdk.targets last. Done on the parsed project, so evaluation changes no
    /// process-wide state (MSBuild's own resolver would need MSBuildSDKsPath, an environment variable, set for it,
    /// and every thread and child process would see it). Other SDKs are resolved by MSBuild as usual.
    /// </summary>
    private static void ImportBundledSdk(ProjectRootElement xml, string sdksDirectory)
    {
        if (xml.Sdk.Split('/')[0].Trim() != PipeprojWriter.SdkName)
        {
            return;
        }

        var sdk = Path.Combine(sdksDirectory, PipeprojWriter.SdkName, "Sdk");
        xml.Sdk = "";
        var props = xml.CreateImportElement(Path.Combine(sdk, "Sdk.props"));
        if (xml.FirstChild is { } first)
        {
            xml.InsertBeforeChild(props, first);
        }
        else
        {
            xml.AppendChild(props);
        }

        xml.AppendChild(xml.CreateImportElement(Path.Combine(sdk, "Sdk.targets")));
    }

    /// <summary>
    /// Every file the evaluation read or looked for: the project, its imports, and each Directory.Build.props or
    /// .targets the SDK probes for above the project (a new one there changes the result without any import changing).
    /// </summary>
    private static IReadOnlyList<string> Inputs(Project project, string sdksDirectory)
    {
        var files = new List<string> { project.FullPath };
        files.AddRange(project.Imports.Select(i => i.ImportedProject.FullPath));
        for (var folder = project.DirectoryPath; folder is not null; folder = Path.GetDirectoryName(folder))
        {
            files.Add(Path.Combine(folder, "Directory.Build.props"));
            files.Add(Path.Combine(folder, "Directory.Build.targets"));
        }

        return [.. files.Distinct(StringComparer.Ordinal)];
    }

    /// <summary>
    /// The names of the properties the project and its imports read (<c>$(Name)</c>, <c>$(Name.Trim())</c>, in
    /// conditions too). MSBuild makes every environment variable a property, so these are the variables that can
    /// change the result; other ways of reading the environment are property functions, which make the evaluation
    /// not <see cref="IsRepeatable">repeatable</see>.
    /// </summary>
    private static IReadOnlyList<string> ReferencedProperties(Project project) =>
        [.. project.Imports.Select(i => i.ImportedProject).Prepend(project.Xml)
            .SelectMany(file => PropertyReference().Matches(file.RawXml).Select(m => m.Groups[1].Value))
            .Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.OrdinalIgnoreCase)];

    /// <summary>
    /// False when evaluating the same files again may give another result: an item wildcard (it lists folders) or a
    /// property function (it may read the clock, files or the machine) in the project or a file it imports from
    /// outside the SDK, whose own functions only locate files that <see cref="Inputs"/> lists.
    /// </summary>
    private static bool IsRepeatable(Project project, string sdksDirectory) =>
        !project.Imports.Select(i => i.ImportedProject).Prepend(project.Xml)
            .Where(file => !file.FullPath.StartsWith(Path.GetFullPath(sdksDirectory) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            .Any(file => file.RawXml.Contains("$([", StringComparison.Ordinal)
                || file.Items.Any(item => item.Include.IndexOfAny(['*', '?']) >= 0 || item.Exclude.IndexOfAny(['*', '?']) >= 0));

    private static PipeException Malformed(InvalidProjectFileException e, string path)
    {
        // Some errors (an SDK that cannot be resolved) carry no position; the Project element is then the place.
        var where = new SourceLocation(
            string.IsNullOrEmpty(e.ProjectFile) ? path : e.ProjectFile,
            Math.Max(e.LineNumber, 1),
            e.LineNumber > 0 ? Math.Max(e.ColumnNumber, 1) : 1);

        // XML errors repeat the position at the end ("Line 3, position 19."); the prefix already says it.
        var what = TrailingPosition().Replace(e.BaseMessage.Trim(), "");
        if (!what.EndsWith('.'))
        {
            what += ".";
        }

        var todo = e.ErrorCode switch
        {
            "MSB4236" => $"Use <Project Sdk=\"{PipeprojWriter.SdkName}\">, or install the SDK the project names.",
            "MSB4019" => "Fix the Import's Project path (relative to the importing file).",
            _ => "Fix the file at that position.",
        };
        var code = string.IsNullOrEmpty(e.ErrorCode) ? "" : $" ({e.ErrorCode})";
        return PipeException.At(where.ToString(), ErrorCodes.MalformedProjectFile, $"the project file is not valid{code}: {what} {todo}", e);
    }

    [GeneratedRegex(@"\$\(\s*([A-Za-z_][A-Za-z0-9_-]*)", RegexOptions.CultureInvariant)]
    private static partial Regex PropertyReference();

    /// <summary><c>$(</c> followed by neither a property name (then <c>)</c> or <c>.</c>) nor a static property function <c>$([</c>.</summary>
    [GeneratedRegex(@"\$\((?!\s*\[)(?!\s*[A-Za-z_][A-Za-z0-9_-]*\s*[).])[^)\r\n]*\)?", RegexOptions.CultureInvariant)]
    private static partial Regex NotAPropertyReference();

    [GeneratedRegex(@"\s*Line \d+, position \d+\.$", RegexOptions.CultureInvariant)]
    private static partial Regex TrailingPosition();

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9_.:-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex NetworkName();

    private delegate bool TryParse<T>(string text, out T value);

    [GeneratedRegex(@"^(?=.{1,100}$)[A-Za-z0-9_]+(?:[.-][A-Za-z0-9_]+)*$", RegexOptions.CultureInvariant)]
    private static partial Regex PackageId();

    [GeneratedRegex(@"^\d+(?:\.\d+){1,3}(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?(?:\+[0-9A-Za-z.-]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex PackageVersion();

    private sealed class Mapper(Project project, string path, string defaultBranch)
    {
        private readonly Dictionary<string, string> inputSources = new(StringComparer.Ordinal);

        public PipelineSpec Spec()
        {
            // The SDK's own default is the file name; an error about it should say so, not point into Sdk.props.
            var name = Property("PipelineName") is { } named && !FromSdk("PipelineName")
                ? PipelineValidation.Name(named.Value.Trim(), "pipeline name", named.Where)
                : PipelineValidation.Name(Path.GetFileNameWithoutExtension(path), "pipeline name (the file name; set <PipelineName> to choose another)", path);

            var env = Env();
            var spout = Boolean("Spout");
            return new PipelineSpec
            {
                Name = name,
                OutputBranch = Property("OutputBranch") is { } outputBranch ? PipelineValidation.Name(outputBranch.Value.Trim(), "output branch name", outputBranch.Where) : defaultBranch,
                Description = Property("Description") is { } description ? string.Join('\n', MultilineText.Lines(description.Value)) : null,
                Command = CommandLine("Command", "Stdin", out var stdin) ?? throw PipelineErrors.Invalid(
                    path, "the pipeline has no Command.", "Add <Command>...</Command> to a PropertyGroup: the command line that runs one datum, e.g. python3 train.py /pfs/data /pfs/out."),
                Stdin = stdin,
                ErrorCommand = CommandLine("ErrorCommand", "ErrorStdin", out var errorStdin) ?? [],
                ErrorStdin = errorStdin,
                Input = spout ? NoInput() : Input(),
                Spout = spout,
                Service = Service(),
                Env = env,
                Secrets = Secrets(env),
                Image = Property("Image")?.Value.Trim(),
                WorkingDir = Property("WorkingDir") is { } workingDir ? PipelineValidation.WorkingDir(workingDir.Value.Trim(), "WorkingDir", workingDir.Where) : null,
                User = Property("User") is { } user ? PipelineValidation.User(user.Value.Trim(), "User", user.Where) : null,
                Parallelism = Integer("Parallelism", 0, 0, "Use a whole number of workers, or 0 for one per processor."),
                DatumTries = Integer("DatumTries", PipelineSpec.DefaultDatumTries, 1, "Use a whole number of tries, at least 1."),
                Executor = Executor(),
                Network = Network(),
                Cpus = Quantity("Cpus", (string text, out double value) => ResourceQuantities.TryParseCpus(text, out value), "a CPU count", ResourceQuantities.CpusHint),
                Memory = Quantity("Memory", (string text, out long value) => ResourceQuantities.TryParseMemory(text, out value), "a memory size", ResourceQuantities.MemoryHint),
                Kubernetes = KubernetesProperties.Read(Property),
                TransformFiles = TransformFiles(),
                TransformPackages = TransformPackages(),
                AcceptReturnCodes = AcceptReturnCodes(),
                DatumTimeout = Timeout("DatumTimeout"),
                JobTimeout = Timeout("JobTimeout"),
                DatumBatching = Boolean("DatumBatching"),
                Egress = Property("Egress") is { } egress ? PipelineValidation.Egress(egress.Value.Trim(), egress.Where) : null,
                SourceFile = path,
                InputSources = inputSources,
                WorkingDirectory = Path.GetDirectoryName(path),
            };
        }

        /// <summary>
        /// A property the project (or a file it imports, or -p) set to something other than whitespace. A value
        /// that only came from an environment variable does not count: MSBuild turns every environment variable
        /// into a property, and an unrelated COMMAND or IMAGE variable must not change a pipeline.
        /// </summary>
        private (string Value, string Where)? Property(string name)
        {
            var property = project.GetProperty(name);
            if (property is null || property.IsEnvironmentProperty || string.IsNullOrWhiteSpace(property.EvaluatedValue))
            {
                return null;
            }

            var where = property.Xml is { } xml
                ? Location(xml.Location)
                : property.IsGlobalProperty ? $"{path}: -p:{name}" : path;
            return (property.EvaluatedValue, where);
        }

        /// <summary>Set by the SDK's Sdk.props, wherever it was resolved from (beside this assembly, or a NuGet package).</summary>
        private bool FromSdk(string name) =>
            project.GetProperty(name)?.Xml?.ContainingProject.FullPath is { } file
            && project.GetProperty("UsingPipeBuildSdk")?.Xml?.ContainingProject.FullPath == file;

        /// <summary>
        /// A shell's <c>$(...)</c> written into a property is an MSBuild property reference, and one whose name is not
        /// a property name evaluates to nothing: <c>/pfs/out/$(basename "$f")</c> would silently become <c>/pfs/out/</c>.
        /// </summary>
        private void ThrowOnShellSubstitution(string name, string where)
        {
            if (project.GetProperty(name)?.Xml?.Value is { } written && NotAPropertyReference().Match(written) is { Success: true } reference)
            {
                throw PipelineErrors.Invalid(
                    where,
                    $"{name} has '{reference.Value}', which MSBuild reads as a property reference and replaces with nothing.",
                    $"For the shell's command substitution write %24({reference.Value[2..]} (%24 is MSBuild's escape for $), or use backquotes.");
            }
        }

        /// <summary>The argv of the <paramref name="name"/> property (Command, ErrorCommand), run by CommandShell; null when it is not set.</summary>
        private IReadOnlyList<string>? CommandLine(string name, string stdinName, out IReadOnlyList<string> stdin)
        {
            stdin = Property(stdinName) is { } text ? MultilineText.Lines(text.Value) : [];
            if (Property(name) is not { } command)
            {
                return null;
            }

            ThrowOnShellSubstitution(name, command.Where);
            var line = string.Join('\n', MultilineText.Lines(command.Value));
            var shell = Property("CommandShell")?.Value.Trim() ?? "sh";
            if (!shell.Equals("none", StringComparison.OrdinalIgnoreCase))
            {
                return [shell, "-c", line];
            }

            if (!ShellWords.TrySplit(line, out var words, out var error))
            {
                throw PipelineErrors.Invalid(command.Where, $"{name} cannot be split into words: {error}.", "Close the quote, or quote it with a backslash.");
            }

            if (words.Count == 0)
            {
                throw PipelineErrors.Invalid(command.Where, $"{name} has no words.", "Give the program to run.");
            }

            return words;
        }

        /// <summary>ServiceInternalPort, ServiceExternalPort (the internal one by default) and ServiceType: a service; null without them.</summary>
        private ServiceSettings? Service()
        {
            int? Port(string name) => Property(name) is { } port ? PipelineValidation.Port(port.Value, name, port.Where) : null;
            var internalPort = Port("ServiceInternalPort");
            var externalPort = Port("ServiceExternalPort");
            var type = Property("ServiceType") is { } t ? PipelineValidation.ServiceType(t.Value, "ServiceType", t.Where) : null;
            if (internalPort is null)
            {
                return externalPort is null && type is null
                    ? null
                    : throw PipelineErrors.Invalid(Property("ServiceExternalPort")?.Where ?? Property("ServiceType")!.Value.Where, "the pipeline has ServiceExternalPort or ServiceType but no ServiceInternalPort.", "Add <ServiceInternalPort> (the port its process listens on), or remove them.");
            }

            return new ServiceSettings(internalPort.Value, externalPort ?? internalPort.Value, type);
        }

        /// <summary>A spout's input, none: PipeInput items or an InputExpression beside Spout are an error.</summary>
        private PipelineInput NoInput()
        {
            if (Property("ServiceInternalPort") is { } port)
            {
                throw PipelineErrors.Invalid(port.Where, "the pipeline is a Spout and has ServiceInternalPort: PipeBuild serves a service's inputs, and a spout has none.", "Remove the Service properties, or Spout.");
            }

            var given = Property("InputExpression")?.Where ?? project.GetItems("PipeInput").Select(i => Location(i.Xml.Location)).FirstOrDefault();
            return given is null
                ? PipelineSpec.NoInput
                : throw PipelineErrors.Invalid(given, "the pipeline is a Spout and has inputs: a spout takes no input.", "Remove its PipeInput items (or InputExpression): a spout's process writes its output repo itself ('dotnet pipe file put').");
        }

        private PipelineInput Input()
        {
            var expression = Property("InputExpression");
            var items = project.GetItems("PipeInput");
            if (expression is { } e)
            {
                if (items.Count > 0)
                {
                    throw PipelineErrors.Invalid(e.Where, "the pipeline has both InputExpression and PipeInput items.", "Use one: InputExpression for nested combinations, PipeInput items otherwise.");
                }

                var parsed = InputExpression.Parse(e.Value.Trim(), e.Where, defaultBranch);
                PipelineValidation.Input(parsed, e.Where);
                foreach (var leaf in parsed.Leaves())
                {
                    inputSources.TryAdd(leaf.Repo, e.Where);
                }

                return parsed;
            }

            if (items.Count == 0)
            {
                throw PipelineErrors.Invalid(path, "the pipeline has no inputs.", "Add <PipeInput Include=\"repo\" Glob=\"/*\" /> to an ItemGroup, or set InputExpression.");
            }

            // Items of one Combine kind form one input of that kind, in item order; several kinds are crossed.
            var groups = new List<(string Kind, List<PfsInput> Inputs)>();
            foreach (var item in items)
            {
                var (kind, pfs) = PipeInput(item);
                inputSources.TryAdd(pfs.Repo, Location(item.Xml.Location));
                var group = groups.FindIndex(g => g.Kind == kind);
                if (group < 0)
                {
                    groups.Add((kind, [pfs]));
                }
                else
                {
                    groups[group].Inputs.Add(pfs);
                }
            }

            var combined = groups.Select(g => g switch
            {
                { Kind: "join" } => new JoinInput(g.Inputs),
                { Kind: "group" } => new GroupInput(g.Inputs),
                { Inputs.Count: 1 } => g.Inputs[0],
                { Kind: "union" } => new UnionInput(g.Inputs),
                _ => (PipelineInput)new CrossInput(g.Inputs),
            }).ToList();
            var input = combined.Count == 1 ? combined[0] : new CrossInput(combined);
            PipelineValidation.Input(input, Location(items.First().Xml.Location));
            return input;
        }

        private (string Kind, PfsInput Input) PipeInput(ProjectItem item)
        {
            var where = Location(item.Xml.Location);
            var repo = PipelineValidation.Name(item.EvaluatedInclude.Trim(), "input repo name", where);
            string? Meta(string name) => item.GetMetadataValue(name) is { Length: > 0 } v && !string.IsNullOrWhiteSpace(v) ? v.Trim() : null;
            string MetaWhere(string name) => item.GetMetadata(name)?.Xml is { } xml ? Location(xml.Location) : where;

            var kind = (Meta("Combine") ?? "cross").ToLowerInvariant();
            if (kind is not ("cross" or "union" or "join" or "group"))
            {
                throw PipelineErrors.Invalid(MetaWhere("Combine"), $"PipeInput '{repo}' has Combine=\"{Meta("Combine")}\".", "Use cross, union, join or group.");
            }

            var branch = Meta("Branch") is { } b ? PipelineValidation.Name(b, $"branch name for input '{repo}'", MetaWhere("Branch")) : defaultBranch;
            var name = Meta("Name") is { } n ? PipelineValidation.Name(n, $"input name for repo '{repo}'", MetaWhere("Name")) : null;
            var glob = Meta("Glob") is { } g ? PipelineValidation.Glob(g, MetaWhere("Glob")) : "/";
            bool Flag(string metadata)
            {
                var value = false;
                if (Meta(metadata) is { } text && !bool.TryParse(text, out value))
                {
                    throw PipelineErrors.Invalid(MetaWhere(metadata), $"PipeInput '{repo}' has {metadata}=\"{text}\".", "Use true or false.");
                }

                return value;
            }

            var cron = Cron();
            return (kind, new PfsInput(repo, cron is null ? glob : "/*", branch, name) { JoinOn = Meta("JoinOn"), GroupBy = Meta("GroupBy"), OuterJoin = Flag("OuterJoin"), EmptyFiles = Flag("EmptyFiles"), Cron = cron, Trigger = Trigger() });

            // Trigger="master": the input branch follows master in batches (Pachyderm's pfs.trigger), TriggerSize and the rest its conditions.
            BranchTrigger? Trigger()
            {
                string[] conditions = ["TriggerSize", "TriggerCommits", "TriggerCron", "TriggerAll"];
                if (Meta("Trigger") is not { } source)
                {
                    return conditions.FirstOrDefault(c => Meta(c) is not null) is not { } stray
                        ? null
                        : throw PipelineErrors.Invalid(MetaWhere(stray), $"PipeInput '{repo}' has {stray} but no Trigger branch.", "Add Trigger=\"master\" (the branch whose commits it follows), or remove it.");
                }

                int? commits = null;
                if (Meta("TriggerCommits") is { } text)
                {
                    commits = int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n)
                        ? n
                        : throw PipelineErrors.Invalid(MetaWhere("TriggerCommits"), $"PipeInput '{repo}' has TriggerCommits=\"{text}\".", "Use a whole number of commits, 1 or more.");
                }

                var trigger = new BranchTrigger(source) { Size = Meta("TriggerSize"), Commits = commits, Cron = Meta("TriggerCron"), All = Flag("TriggerAll") };
                return PipelineValidation.Trigger(trigger, branch, field =>
                {
                    var metadata = field == "branch" ? "Trigger" : "Trigger" + char.ToUpperInvariant(field[0]) + field[1..];
                    return ($"PipeInput '{repo}' {metadata}", MetaWhere(metadata));
                });
            }

            // Cron="...": the repo is fed by a clock (Pachyderm's cron input), a file per tick; each tick a datum.
            CronSchedule? Cron()
            {
                if (Meta("Cron") is not { } spec)
                {
                    return (Meta("CronStart") ?? Meta("Overwrite")) is null
                        ? null
                        : throw PipelineErrors.Invalid(MetaWhere(Meta("CronStart") is null ? "Overwrite" : "CronStart"), $"PipeInput '{repo}' has CronStart or Overwrite but no Cron schedule.", "Add Cron=\"@every 1h\" (or a cron expression), or remove them.");
                }

                if (Meta("Glob") is { } given && given != "/*")
                {
                    throw PipelineErrors.Invalid(MetaWhere("Glob"), $"PipeInput '{repo}' is a cron input with Glob=\"{given}\".", "Remove Glob: a cron input's datums are its tick files (/*).");
                }

                var schedule = PipelineValidation.Cron(spec, MetaWhere("Cron"));
                if (Meta("CronStart") is { } start)
                {
                    schedule = schedule with { Start = PipelineValidation.Time(start, $"PipeInput '{repo}' CronStart", MetaWhere("CronStart")) };
                }

                return schedule with { Overwrite = Flag("Overwrite") };
            }
        }

        private List<KeyValuePair<string, string>> Env()
        {
            var env = new List<KeyValuePair<string, string>>();
            foreach (var item in project.GetItems("PipeEnv"))
            {
                var name = PipelineValidation.EnvName(item.EvaluatedInclude.Trim(), Location(item.Xml.Location));
                var value = item.GetMetadataValue("Value");
                var existing = env.FindIndex(p => p.Key == name);
                if (existing >= 0)
                {
                    env[existing] = new(name, value); // a later definition wins, as a later property would
                }
                else
                {
                    env.Add(new(name, value));
                }
            }

            return env;
        }

        /// <summary><c>&lt;PipeSecret Include="NAME" Key="KEY" EnvVar="VAR" MountPath="/FOLDER" /&gt;</c> items (Pachyderm's transform.secrets).</summary>
        private List<SecretReference> Secrets(IReadOnlyList<KeyValuePair<string, string>> env)
        {
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal) { ["key"] = "Key", ["env_var"] = "EnvVar", ["mount_path"] = "MountPath" };
            var secrets = project.GetItems("PipeSecret").Select(item =>
            {
                string? Meta(string name) => item.GetMetadataValue(name) is { } v && !string.IsNullOrWhiteSpace(v) ? v.Trim() : null;
                var where = Location(item.Xml.Location);
                var name = item.EvaluatedInclude.Trim();
                var secret = new SecretReference(name, Meta("Key"), Meta("EnvVar"), Meta("MountPath"));
                return (secret, Where: (Func<string, (string, string)>)(field => metadata.TryGetValue(field, out var m)
                    ? ($"PipeSecret '{name}' {m}", item.GetMetadata(m)?.Xml is { } xml ? Location(xml.Location) : where)
                    : ($"PipeSecret '{name}'", where)));
            }).ToList();
            PipelineValidation.Secrets(secrets, env);
            return [.. secrets.Select(s => s.secret)];
        }

        private List<string> TransformFiles()
        {
            var files = new List<string>();
            foreach (var item in project.GetItems("TransformFile"))
            {
                var full = item.GetMetadataValue("FullPath");
                if (!File.Exists(full))
                {
                    throw PipelineErrors.Invalid(
                        Location(item.Xml.Location),
                        $"TransformFile '{item.EvaluatedInclude}' does not exist ({full}).",
                        "Fix the path (relative to the project's folder), or use a wildcard such as code/**/*.py.");
                }

                if (!files.Contains(full, StringComparer.Ordinal))
                {
                    files.Add(full);
                }
            }

            return files;
        }

        private List<TransformPackage> TransformPackages()
        {
            var packages = new List<TransformPackage>();
            foreach (var item in project.GetItems("TransformPackage"))
            {
                var where = Location(item.Xml.Location);
                var id = item.EvaluatedInclude.Trim();
                if (!PackageId().IsMatch(id))
                {
                    throw PipelineErrors.Invalid(where, $"TransformPackage '{id}' is not a NuGet package id.", "Use the package's id: letters, digits, '.', '-' and '_', at most 100 characters.");
                }

                var version = item.GetMetadataValue("Version").Trim();
                if (!PackageVersion().IsMatch(version))
                {
                    var versionWhere = item.GetMetadata("Version")?.Xml is { } xml ? Location(xml.Location) : where;
                    throw PipelineErrors.Invalid(versionWhere, $"TransformPackage '{id}' has Version=\"{version}\".", "Give an exact version such as 1.2.0 (ranges and floating versions would change the transform without a change to the file).");
                }

                packages.RemoveAll(p => p.Id.Equals(id, StringComparison.OrdinalIgnoreCase)); // a later item wins
                packages.Add(new TransformPackage(id, version));
            }

            return packages;
        }

        private string Executor()
        {
            if (Property("Executor") is not { } executor)
            {
                return ExecutorNames.Local;
            }

            var value = executor.Value.Trim().ToLowerInvariant();
            if (!ExecutorNames.All.Contains(value))
            {
                throw PipelineErrors.Invalid(executor.Where, $"Executor '{executor.Value.Trim()}' is not supported.", $"Use {ExecutorNames.Listed}.");
            }

            return value;
        }

        /// <summary>A Docker network name (none, bridge, host, or one the user created).</summary>
        private string? Network()
        {
            if (Property("Network") is not { } network)
            {
                return null;
            }

            var value = network.Value.Trim();
            if (!NetworkName().IsMatch(value))
            {
                throw PipelineErrors.Invalid(network.Where, $"Network '{value}' is not a network name.", "Use none (the default), bridge, host, or the name of a network the engine has.");
            }

            return value;
        }

        private T? Quantity<T>(string name, TryParse<T> parse, string what, string todo)
            where T : struct
        {
            if (Property(name) is not { } property)
            {
                return null;
            }

            return parse(property.Value, out var value)
                ? value
                : throw PipelineErrors.Invalid(property.Where, $"{name} '{property.Value.Trim()}' is not {what}.", todo);
        }

        private int Integer(string name, int fallback, int minimum, string todo)
        {
            if (Property(name) is not { } property)
            {
                return fallback;
            }

            if (!int.TryParse(property.Value.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < minimum)
            {
                throw PipelineErrors.Invalid(property.Where, $"{name} '{property.Value.Trim()}' is not a whole number of at least {minimum}.", todo);
            }

            return value;
        }

        private List<int> AcceptReturnCodes()
        {
            if (Property("AcceptReturnCode") is not { } property)
            {
                return [];
            }

            var codes = new List<int>();
            foreach (var part in property.Value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!int.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out var code))
                {
                    throw PipelineErrors.Invalid(property.Where, $"AcceptReturnCode '{part}' is not an exit code.", "Use whole numbers separated by ';', e.g. 1;2.");
                }

                codes.Add(code);
            }

            return codes;
        }

        private bool Boolean(string name)
        {
            if (Property(name) is not { } property)
            {
                return false;
            }

            if (!bool.TryParse(property.Value.Trim(), out var value))
            {
                throw PipelineErrors.Invalid(property.Where, $"{name} '{property.Value.Trim()}' is not true or false.", "Use true or false.");
            }

            return value;
        }

        /// <summary>DatumTimeout or JobTimeout.</summary>
        private TimeSpan? Timeout(string name)
        {
            if (Property(name) is not { } property)
            {
                return null;
            }

            if (!Durations.TryParse(property.Value, out var timeout) || timeout <= TimeSpan.Zero)
            {
                throw PipelineErrors.Invalid(property.Where, $"{name} '{property.Value.Trim()}' is not a duration.", "Use a positive number of seconds (90), or a duration such as 1m30s.");
            }

            return timeout;
        }

        private string Location(ElementLocation location) =>
            new SourceLocation(string.IsNullOrEmpty(location.File) ? path : location.File, location.Line, location.Line > 0 ? Math.Max(location.Column, 1) : 0).ToString();
    }
}
