using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using PipeBuild.Core;
using PipeBuild.Core.Pipelines;

namespace PipeBuild.Evaluation;

/// <summary>
/// Reads Pachyderm JSON pipeline specs (v1 and v2 spellings: <c>atom</c> for <c>pfs</c>, numbers as strings,
/// snake_case or lowerCamelCase field names, several specs in one file). Fields that only tune a Kubernetes
/// deployment are accepted and ignored (<see cref="IgnoredFields"/>); any other field PipeBuild does not read is
/// refused with <see cref="ErrorCodes.UnsupportedSpecField"/> rather than silently dropped, because it would change
/// what the pipeline does (<c>egress</c>, <c>service</c>, <c>spout</c>, <c>cron</c> inputs, ...).
/// </summary>
public static class PachydermSpecReader
{
    private static readonly Shape Top = new(
        ["pipeline", "description", "transform", "input", "inputs", "parallelism_spec", "datum_tries", "datum_timeout", "job_timeout", "output_branch", "resource_limits", "egress", "spout", "service"],
        ["enable_stats", "standby", "resource_requests", "sidecar_resource_limits", "scheduling_spec",
         "pod_spec", "pod_patch", "cache_size", "max_queue_size", "chunk_spec", "autoscaling", "metadata", "tolerations",
         "datum_set_spec", "reprocess_spec", "update", "reprocess"]);

    /// <summary>
    /// Pachyderm 2's <c>spout: {}</c>. Its <c>service</c> and Pachyderm 1's <c>overwrite</c> (for tar streams written to
    /// <c>/pfs/out</c>) are refused as unknown fields: a spout here commits with <c>dotnet pipe file put</c>.
    /// </summary>
    private static readonly Shape SpoutShape = new([], []);

    /// <summary>Pachyderm's <c>service</c>; <c>external_port</c> defaults to <c>internal_port</c>.</summary>
    private static readonly Shape ServiceShape = new(["internal_port", "external_port", "type"], []);

    private static readonly Shape PipelineShape = new(["name"], ["project"]);

    private static readonly Shape TransformShape = new(
        ["cmd", "stdin", "err_cmd", "err_stdin", "image", "env", "secrets", "accept_return_code", "datum_batching", "working_dir", "user"],
        ["image_pull_secrets", "debug"]);

    private static readonly Shape SecretShape = new(["name", "key", "env_var", "mount_path"], []);

    private static readonly Shape InputShape = new(["pfs", "atom", "cross", "union", "join", "group", "cron"], []);

    private static readonly Shape CronShape = new(["name", "spec", "repo", "start", "overwrite"], []);

    private static readonly Shape PfsShape = new(
        ["repo", "branch", "glob", "name", "join_on", "group_by", "outer_join", "empty_files", "trigger"],
        ["lazy", "project", "repo_type"]);

    /// <summary>Pachyderm's <c>pfs.trigger</c>; its schedule is <c>cron_spec</c> in Pachyderm's JSON, <c>cron</c> read as well.</summary>
    private static readonly Shape TriggerShape = new(["branch", "size", "commits", "cron", "cron_spec", "all"], []);

    /// <summary>Pachyderm 1.4's <c>inputs</c> list, crossed: <c>{"repo": {"name": "x"}, "glob": "/*"}</c>.</summary>
    private static readonly Shape LegacyInputShape = new(["repo", "glob", "name", "branch"], ["lazy", "method"]);

    private static readonly Shape LegacyRepoShape = new(["name"], []);

    /// <summary>Pachyderm 2's egress: <c>{"URL": ...}</c>, or <c>{"object_storage": {"url": ...}}</c>; <c>sql_database</c> is refused.</summary>
    private static readonly Shape EgressShape = new(["url", "object_storage"], []);

    private static readonly Shape ObjectStorageShape = new(["url"], []);

    private static readonly Shape ParallelismShape = new(["constant", "coefficient"], ["strategy"]);

    /// <summary>cpu and memory become the container's limits; a GPU or disk request has no local meaning.</summary>
    private static readonly Shape ResourcesShape = new(["cpu", "memory"], ["gpu", "disk"]);

    /// <summary>Pachyderm fields accepted and ignored, by where they appear ("" is the top level).</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> IgnoredFields { get; } = new Dictionary<string, IReadOnlyList<string>>
    {
        [""] = Top.Ignored,
        ["pipeline"] = PipelineShape.Ignored,
        ["transform"] = TransformShape.Ignored,
        ["input.pfs"] = PfsShape.Ignored,
        ["inputs[]"] = LegacyInputShape.Ignored,
        ["parallelism_spec"] = ParallelismShape.Ignored,
        ["resource_limits"] = ResourcesShape.Ignored,
    };

    /// <summary>
    /// Every spec in the file (usually one; several back to back, or between <c>---</c> lines as pachctl takes them).
    /// Inputs that name no branch read <paramref name="defaultBranch"/> (the workspace's), and outputs go to it.
    /// <paramref name="notice"/> hears, in one line, the fields the file sets that are accepted and ignored, so nobody
    /// believes a GPU was reserved.
    /// </summary>
    public static IReadOnlyList<PipelineSpec> ReadFile(string path, string defaultBranch = CommitRef.DefaultBranch, Action<string>? notice = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Parse(File.ReadAllBytes(path), path, defaultBranch, notice);
    }

    /// <summary>Every spec in <paramref name="json"/>; <paramref name="sourceName"/> names it in messages.</summary>
    public static IReadOnlyList<PipelineSpec> Parse(string json, string sourceName = "spec.json", string defaultBranch = CommitRef.DefaultBranch)
    {
        ArgumentNullException.ThrowIfNull(json);
        return Parse(Encoding.UTF8.GetBytes(json), sourceName, defaultBranch, notice: null);
    }

    private static List<PipelineSpec> Parse(byte[] utf8, string file, string defaultBranch, Action<string>? notice)
    {
        var lines = new LineMap(utf8, file);
        var invalid = FirstInvalidUtf8(utf8);
        if (invalid >= 0)
        {
            throw PipeException.At(
                lines.At(invalid).ToString(),
                ErrorCodes.MalformedJsonSpec,
                $"the pipeline spec is not valid UTF-8: byte 0x{utf8[invalid]:X2} at offset {invalid} is not part of a UTF-8 character. Save the file as UTF-8.");
        }

        var bom = utf8.AsSpan().StartsWith("\uFEFF"u8) ? 3 : 0;
        utf8 = BlankSeparators(utf8);
        List<JsonSpecNode> values;
        try
        {
            values = JsonSpecNode.ParseAll(utf8.AsSpan(bom));
        }
        catch (JsonException e)
        {
            var where = lines.At(e.LineNumber ?? 0, (e.BytePositionInLine ?? 0) + (e.LineNumber == 0 ? bom : 0));
            var why = e.Message;
            var cut = why.IndexOf(" LineNumber:", StringComparison.Ordinal);
            why = (cut > 0 ? why[..cut] : why).Trim();
            throw PipeException.At(where.ToString(), ErrorCodes.MalformedJsonSpec, $"the pipeline spec is not valid JSON: {why} Fix the JSON at that position.", e);
        }
        catch (JsonSpecNode.InvalidTextException e)
        {
            throw PipeException.At(
                lines.At(e.Offset + bom).ToString(),
                ErrorCodes.MalformedJsonSpec,
                $"the pipeline spec is not valid JSON: the string here is not valid text ({e.Message.TrimEnd('.')}). Write each \\uD800-\\uDBFF escape followed by a \\uDC00-\\uDFFF one.",
                e);
        }

        if (values.Count == 0)
        {
            throw PipeException.At(file, ErrorCodes.MalformedJsonSpec, $"the file has no pipeline spec. Write a JSON object such as {{\"pipeline\": {{\"name\": \"x\"}}, \"transform\": {{...}}, \"input\": {{...}}}}.");
        }

        var mapper = new Mapper(lines, bom, defaultBranch);
        List<PipelineSpec> specs = [.. values.Select(mapper.Spec)];
        if (mapper.IgnoredSet.Count > 0)
        {
            notice?.Invoke($"{file}: accepted and ignored, with no effect in PipeBuild: {string.Join(", ", mapper.IgnoredSet.Order(StringComparer.Ordinal))}.");
        }

        return specs;
    }

    /// <summary>The offset of the first byte that is not part of a well-formed UTF-8 character, or -1 when all are.</summary>
    private static int FirstInvalidUtf8(byte[] utf8)
    {
        if (Utf8.IsValid(utf8))
        {
            return -1;
        }

        var offset = 0;
        while (Rune.DecodeFromUtf8(utf8.AsSpan(offset), out _, out var consumed) == OperationStatus.Done)
        {
            offset += consumed;
        }

        return offset;
    }

    /// <summary>
    /// The bytes with each line that is only <c>---</c> (the separator of Pachyderm's multi-spec files) turned into
    /// spaces: the JSON values around it are then back to back, and every position in a message stays where it was.
    /// </summary>
    private static byte[] BlankSeparators(byte[] utf8)
    {
        byte[]? copy = null;
        var start = 0;
        while (start < utf8.Length)
        {
            var end = Array.IndexOf(utf8, (byte)'\n', start);
            end = end < 0 ? utf8.Length : end;
            if (utf8.AsSpan(start, end - start).TrimEnd("\r \t"u8).SequenceEqual("---"u8))
            {
                copy ??= (byte[])utf8.Clone();
                copy.AsSpan(start, 3).Fill((byte)' ');
            }

            start = end + 1;
        }

        return copy ?? utf8;
    }

    /// <summary>The fields one kind of object may have: read, or accepted and ignored.</summary>
    private sealed record Shape(IReadOnlyList<string> Read, IReadOnlyList<string> Ignored);

    private sealed class Mapper(LineMap lines, int bom, string defaultBranch)
    {
        /// <summary>The line naming each pipeline of the file, to refuse a second spec of the same name.</summary>
        private readonly Dictionary<string, int> names = new(StringComparer.Ordinal);

        /// <summary>Where the spec being read names each input repo: each spec of a file has its own.</summary>
        private Dictionary<string, string> inputSources = new(StringComparer.Ordinal);

        /// <summary>The spec's pipeline name, once read: a cron input's repo is named after it.</summary>
        private string pipelineName = "";

        /// <summary>The accepted and ignored fields the specs set, as paths (<c>resource_limits.gpu</c>).</summary>
        public List<string> IgnoredSet { get; } = [];

        public PipelineSpec Spec(JsonSpecNode root)
        {
            if (root.Kind != JsonValueKind.Object)
            {
                throw PipeException.At(At(root), ErrorCodes.MalformedJsonSpec, $"a pipeline spec must be a JSON object, not {Describe(root)}. Write {{\"pipeline\": {{\"name\": \"x\"}}, ...}}.");
            }

            var fields = Fields(root, "", Top);
            var pipeline = Object(Required(root, fields, "pipeline", "", "{\"name\": \"my-pipeline\"}"), "pipeline");
            var pipelineFields = Fields(pipeline, "pipeline", PipelineShape);
            var nameNode = Required(pipeline, pipelineFields, "name", "pipeline", "\"my-pipeline\"");
            var name = PipelineValidation.Name(String(nameNode, "pipeline.name"), "pipeline name", At(nameNode));
            if (!names.TryAdd(name, lines.At(nameNode.Offset + bom).Line))
            {
                throw PipelineErrors.Invalid(At(nameNode), $"a second spec of pipeline '{name}' (the first is on line {names[name]}).", "Give each spec of the file its own pipeline name.");
            }

            inputSources = new Dictionary<string, string>(StringComparer.Ordinal);
            pipelineName = name;

            var transform = Object(Required(root, fields, "transform", "", "{\"cmd\": [\"python3\", \"/code/train.py\"]}"), "transform");
            var transformFields = Fields(transform, "transform", TransformShape);
            var cmdNode = Required(transform, transformFields, "cmd", "transform", "[\"python3\", \"/code/train.py\"] (PipeBuild does not read an image's entrypoint)");
            var cmd = Strings(cmdNode, "transform.cmd");
            if (cmd.Count == 0)
            {
                throw PipelineErrors.Invalid(At(cmdNode), "'transform.cmd' is empty.", "Give the program to run and its arguments.");
            }

            var output = fields.TryGetValue("output_branch", out var outputBranch)
                ? PipelineValidation.Name(String(outputBranch.Value, "output_branch"), "output branch name", At(outputBranch.Value))
                : defaultBranch;

            if (fields.TryGetValue("input", out var both) && fields.ContainsKey("inputs"))
            {
                throw PipelineErrors.Invalid(At(both.Value), "the pipeline spec has both 'input' and 'inputs'.", "Keep 'input'; 'inputs' is the Pachyderm 1.4 form of the same thing.");
            }

            var spout = fields.GetValueOrDefault("spout");
            if (spout is not null)
            {
                Fields(Object(spout.Value, "spout"), "spout", SpoutShape);
                if ((both ?? fields.GetValueOrDefault("inputs") ?? fields.GetValueOrDefault("service")) is { } given)
                {
                    throw PipelineErrors.Invalid(
                        At(given.Value),
                        given.Name == "service"
                        ? "the spout pipeline has 'service': PipeBuild serves a service's inputs, and a spout has none."
                        : $"the spout pipeline has '{given.Name}': a spout takes no input.",
                        "Remove it: a spout's process writes its output repo itself ('dotnet pipe file put').");
                }
            }

            var input = spout is not null ? PipelineSpec.NoInput : Input(root, fields);

            var transformEnv = transformFields.TryGetValue("env", out var env) ? Env(env.Value) : [];
            var limits = fields.TryGetValue("resource_limits", out var resources)
                ? Fields(Object(resources.Value, "resource_limits"), "resource_limits", ResourcesShape)
                : null;
            return new PipelineSpec
            {
                Name = name,
                OutputBranch = output,
                Description = fields.TryGetValue("description", out var description) ? String(description.Value, "description") : null,
                Command = cmd,
                Stdin = transformFields.TryGetValue("stdin", out var stdin) ? Strings(stdin.Value, "transform.stdin") : [],
                ErrorCommand = transformFields.TryGetValue("err_cmd", out var errCmd) ? Strings(errCmd.Value, "transform.err_cmd") : [],
                ErrorStdin = transformFields.TryGetValue("err_stdin", out var errStdin) ? Strings(errStdin.Value, "transform.err_stdin") : [],
                Image = transformFields.TryGetValue("image", out var image) ? String(image.Value, "transform.image") : null,
                Env = transformEnv,
                Secrets = transformFields.TryGetValue("secrets", out var secrets) ? Secrets(secrets.Value, transformEnv) : [],
                WorkingDir = transformFields.TryGetValue("working_dir", out var workingDir)
                    ? PipelineValidation.WorkingDir(String(workingDir.Value, "transform.working_dir"), "'transform.working_dir'", At(workingDir.Value))
                    : null,
                User = transformFields.TryGetValue("user", out var user) ? PipelineValidation.User(String(user.Value, "transform.user"), "'transform.user'", At(user.Value)) : null,
                AcceptReturnCodes = transformFields.TryGetValue("accept_return_code", out var codes)
                    ? [.. Array(codes.Value, "transform.accept_return_code").Select((c, i) => Integer(c, $"transform.accept_return_code[{i}]", int.MinValue))]
                    : [],
                DatumBatching = transformFields.TryGetValue("datum_batching", out var batching) && Boolean(batching.Value, "transform.datum_batching"),
                Input = input,
                InputSources = inputSources,
                Parallelism = fields.TryGetValue("parallelism_spec", out var parallelism) ? Parallelism(parallelism.Value) : 0,
                DatumTries = fields.TryGetValue("datum_tries", out var tries) && Integer(tries.Value, "datum_tries", 0) is var t and > 0 ? t : PipelineSpec.DefaultDatumTries,
                DatumTimeout = fields.TryGetValue("datum_timeout", out var timeout) ? Timeout(timeout.Value, "datum_timeout") : null,
                JobTimeout = fields.TryGetValue("job_timeout", out var jobTimeout) ? Timeout(jobTimeout.Value, "job_timeout") : null,
                Cpus = limits?.TryGetValue("cpu", out var cpu) == true ? Cpus(cpu.Value) : null,
                Memory = limits?.TryGetValue("memory", out var memory) == true ? Memory(memory.Value) : null,
                Egress = fields.TryGetValue("egress", out var egress) ? Egress(egress.Value) : null,
                Spout = spout is not null,
                Service = fields.TryGetValue("service", out var service) ? Service(service.Value) : null,
            };
        }

        private ServiceSettings Service(JsonSpecNode node)
        {
            var fields = Fields(Object(node, "service"), "service", ServiceShape);
            int Port(JsonSpecNode port, string field) => port.Kind is JsonValueKind.Number or JsonValueKind.String
                ? PipelineValidation.Port(port.Text!, $"'{field}'", At(port))
                : throw WrongType(port, field, "a port number");
            var internalPort = Port(Required(node, fields, "internal_port", "service", "8888"), "service.internal_port");
            return new ServiceSettings(
                internalPort,
                fields.TryGetValue("external_port", out var external) ? Port(external.Value, "service.external_port") : internalPort,
                fields.TryGetValue("type", out var type) ? PipelineValidation.ServiceType(String(type.Value, "service.type"), "'service.type'", At(type.Value)) : null);
        }

        /// <summary>The spec's <c>input</c>, or Pachyderm 1.4's <c>inputs</c> list.</summary>
        private PipelineInput Input(JsonSpecNode root, Dictionary<string, JsonSpecNode.Member> fields)
        {
            var inputNode = fields.TryGetValue("inputs", out var legacy)
                ? legacy.Value
                : Required(root, fields, "input", "", "{\"pfs\": {\"repo\": \"data\", \"glob\": \"/*\"}}");
            var input = legacy is null ? Input(inputNode, "input") : LegacyInputs(inputNode);
            PipelineValidation.Input(input, At(inputNode));
            return input;
        }

        private PipelineInput Input(JsonSpecNode node, string path)
        {
            var fields = Fields(Object(node, path), path, InputShape);
            if (fields.Count != 1)
            {
                var what = fields.Count == 0 ? $"'{path}' has no input" : $"'{path}' has {string.Join(" and ", fields.Values.Select(f => f.Name))}";
                throw PipelineErrors.Invalid(At(node), $"{what}.", "Give exactly one of pfs, cross, union, join or group; combine several inputs inside cross or union.");
            }

            var (kind, member) = fields.Single();
            var inner = $"{path}.{member.Name}";
            if (kind is "pfs" or "atom")
            {
                return Pfs(member.Value, inner);
            }

            if (kind is "cron")
            {
                return Cron(member.Value, inner);
            }

            var inputs = Array(member.Value, inner).Select((n, i) => Input(n, $"{inner}[{i}]")).ToList();
            if (inputs.Count == 0)
            {
                throw PipelineErrors.Invalid(At(member.Value), $"'{inner}' is empty.", "Give it at least one input.");
            }

            if (kind is "join" or "group" && inputs.FindIndex(i => i is not PfsInput) is var nested and >= 0)
            {
                throw PipelineErrors.Invalid(At(member.Value.Items[nested]), $"'{inner}[{nested}]' is a {PipelineValidation.Kind(inputs[nested])} input: {kind} combines pfs inputs only.", "Move the combination outside the " + kind + ".");
            }

            return kind switch
            {
                "cross" => new CrossInput(inputs),
                "union" => new UnionInput(inputs),
                "join" => new JoinInput([.. inputs.Cast<PfsInput>()]),
                _ => new GroupInput([.. inputs.Cast<PfsInput>()]),
            };
        }

        private PipelineInput LegacyInputs(JsonSpecNode node)
        {
            var inputs = new List<PipelineInput>();
            foreach (var (item, i) in Array(node, "inputs").Select((n, i) => (n, i)))
            {
                var path = $"inputs[{i}]";
                var fields = Fields(Object(item, path), path, LegacyInputShape);
                var repoNode = Object(Required(item, fields, "repo", path, "{\"name\": \"data\"}"), $"{path}.repo");
                var repoName = Required(repoNode, Fields(repoNode, $"{path}.repo", LegacyRepoShape), "name", $"{path}.repo", "\"data\"");
                var repo = PipelineValidation.Name(String(repoName, $"{path}.repo.name"), "input repo name", At(repoName));
                inputSources.TryAdd(repo, At(repoName));
                string? Optional(string field) => fields.TryGetValue(field, out var m) ? String(m.Value, $"{path}.{m.Name}") : null;
                var branch = Optional("branch") is { } b ? PipelineValidation.Name(b, $"branch name for input '{repo}'", At(fields["branch"].Value)) : defaultBranch;
                var name = Optional("name") is { } n ? PipelineValidation.Name(n, $"input name for repo '{repo}'", At(fields["name"].Value)) : null;
                var glob = Optional("glob") is { } g ? PipelineValidation.Glob(g, At(fields["glob"].Value)) : "/";
                inputs.Add(new PfsInput(repo, glob, branch, name));
            }

            return inputs.Count switch
            {
                0 => throw PipelineErrors.Invalid(At(node), "'inputs' is empty.", "Give at least one input."),
                1 => inputs[0],
                _ => new CrossInput(inputs),
            };
        }

        private PfsInput Pfs(JsonSpecNode node, string path)
        {
            var fields = Fields(Object(node, path), path, PfsShape);
            var repoNode = Required(node, fields, "repo", path, "\"data\"");
            var repo = PipelineValidation.Name(String(repoNode, $"{path}.repo"), "input repo name", At(repoNode));
            inputSources.TryAdd(repo, At(repoNode));
            string? Optional(string field) => fields.TryGetValue(field, out var m) ? String(m.Value, $"{path}.{m.Name}") : null;

            var branch = Optional("branch") is { } b ? PipelineValidation.Name(b, $"branch name for input '{repo}'", At(fields["branch"].Value)) : defaultBranch;
            var name = Optional("name") is { } n ? PipelineValidation.Name(n, $"input name for repo '{repo}'", At(fields["name"].Value)) : null;
            var glob = Optional("glob") is { } g ? PipelineValidation.Glob(g, At(fields["glob"].Value)) : "/";
            var outer = fields.TryGetValue("outer_join", out var o) && Boolean(o.Value, $"{path}.{o.Name}");
            var empty = fields.TryGetValue("empty_files", out var e) && Boolean(e.Value, $"{path}.{e.Name}");
            var trigger = fields.TryGetValue("trigger", out var t) ? Trigger(t.Value, $"{path}.{t.Name}", branch) : null;
            return new PfsInput(repo, glob, branch, name) { JoinOn = Optional("join_on"), GroupBy = Optional("group_by"), OuterJoin = outer, EmptyFiles = empty, Trigger = trigger };
        }

        /// <summary><c>pfs.trigger</c> on the input's <paramref name="triggered"/> branch. A commits of 0 is protobuf JSON's "not set", as Pachyderm reads it.</summary>
        private BranchTrigger Trigger(JsonSpecNode node, string path, string triggered)
        {
            var fields = Fields(Object(node, path), path, TriggerShape);
            if (fields.ContainsKey("cron") && fields.TryGetValue("cron_spec", out var both))
            {
                throw PipelineErrors.Invalid(At(both.Value), $"'{path}' has both cron and cron_spec.", "Keep one.");
            }

            string? Text(string field) => fields.TryGetValue(field, out var m)
                ? m.Value.Kind is JsonValueKind.Number or JsonValueKind.String ? m.Value.Text! : throw WrongType(m.Value, $"{path}.{m.Name}", "a string")
                : null;
            var trigger = new BranchTrigger(String(Required(node, fields, "branch", path, "\"master\""), $"{path}.branch"))
            {
                Size = Text("size"),
                Commits = fields.TryGetValue("commits", out var c) && Integer(c.Value, $"{path}.{c.Name}", int.MinValue) is var n and not 0 ? n : null,
                Cron = Text("cron") ?? Text("cron_spec"),
                All = fields.TryGetValue("all", out var a) && Boolean(a.Value, $"{path}.{a.Name}"),
            };
            return PipelineValidation.Trigger(trigger, triggered, field =>
                fields.GetValueOrDefault(field == "cron" && !fields.ContainsKey("cron") ? "cron_spec" : field) is { } member
                    ? ($"{path}.{member.Name}", At(member.Value))
                    : (path, At(node)));
        }

        /// <summary>A cron input: a pfs input (glob <c>/*</c>, a datum per tick) on the repo its ticks commit to, <c>PIPELINE_NAME</c> by default.</summary>
        private PfsInput Cron(JsonSpecNode node, string path)
        {
            var fields = Fields(Object(node, path), path, CronShape);
            var nameNode = Required(node, fields, "name", path, "\"tick\"");
            var name = PipelineValidation.Name(String(nameNode, $"{path}.name"), "cron input name", At(nameNode));
            var specNode = Required(node, fields, "spec", path, "\"@every 1h\" or \"*/10 * * * *\"");
            var schedule = PipelineValidation.Cron(String(specNode, $"{path}.spec"), At(specNode));
            var repo = fields.TryGetValue("repo", out var r)
                ? PipelineValidation.Name(String(r.Value, $"{path}.repo"), "cron input repo name", At(r.Value))
                : PipelineValidation.Name($"{pipelineName}_{name}", "cron input repo name (PIPELINE_NAME)", At(nameNode));
            inputSources.TryAdd(repo, At(nameNode));
            if (fields.TryGetValue("start", out var start))
            {
                schedule = schedule with { Start = PipelineValidation.Time(String(start.Value, $"{path}.start"), $"'{path}.start'", At(start.Value)) };
            }

            var overwrite = fields.TryGetValue("overwrite", out var o) && Boolean(o.Value, $"{path}.{o.Name}");
            return new PfsInput(repo, "/*", defaultBranch, name) { Cron = schedule with { Overwrite = overwrite } };
        }

        private List<KeyValuePair<string, string>> Env(JsonSpecNode node)
        {
            var env = new List<KeyValuePair<string, string>>();
            foreach (var member in Object(node, "transform.env").Members)
            {
                var name = PipelineValidation.EnvName(member.Name, At(member.Offset));
                var value = String(member.Value, $"transform.env.{member.Name}");
                // The last of duplicate keys wins, as in Pachyderm (Go), in the place of the first, as in a .pipeproj.
                var existing = env.FindIndex(p => p.Key == name);
                if (existing >= 0)
                {
                    env[existing] = new(name, value);
                }
                else
                {
                    env.Add(new(name, value));
                }
            }

            return env;
        }

        private int Parallelism(JsonSpecNode node)
        {
            var fields = Fields(Object(node, "parallelism_spec"), "parallelism_spec", ParallelismShape);
            if (fields.ContainsKey("constant") && fields.ContainsKey("coefficient"))
            {
                throw PipelineErrors.Invalid(At(node), "'parallelism_spec' has both constant and coefficient.", "Keep one.");
            }

            // A coefficient scales with the cluster's nodes; on one machine that is one worker per processor (0).
            return fields.TryGetValue("constant", out var constant) ? Integer(constant.Value, $"parallelism_spec.{constant.Name}", 0) : 0;
        }

        private EgressUrl Egress(JsonSpecNode node)
        {
            var fields = Fields(Object(node, "egress"), "egress", EgressShape);
            if (fields.Count != 1)
            {
                throw PipelineErrors.Invalid(At(node), "'egress' needs exactly one of URL or object_storage.", EgressUrl.Hint);
            }

            var (path, url) = fields.TryGetValue("url", out var direct)
                ? ($"egress.{direct.Name}", direct.Value)
                : ("egress.object_storage.url", Required(fields["object_storage"].Value, Fields(Object(fields["object_storage"].Value, "egress.object_storage"), "egress.object_storage", ObjectStorageShape), "url", "egress.object_storage", "\"s3://bucket/prefix\""));
            return PipelineValidation.Egress(String(url, path), At(url));
        }

        /// <summary>datum_timeout or job_timeout.</summary>
        private TimeSpan? Timeout(JsonSpecNode node, string field)
        {
            var text = String(node, field);
            if (!Durations.TryParse(text, out var timeout))
            {
                throw PipelineErrors.Invalid(At(node), $"'{field}' \"{text}\" is not a duration.", "Write it like \"60s\", \"1.5s\", \"1m30s\" or \"2h\".");
            }

            return timeout == TimeSpan.Zero ? null : timeout; // 0 means no limit, as in Pachyderm
        }

        /// <summary>resource_limits.cpu: a number of CPUs, or a Kubernetes quantity string ("500m", "1.5").</summary>
        private double Cpus(JsonSpecNode node)
        {
            if (node.Kind is JsonValueKind.Number or JsonValueKind.String && ResourceQuantities.TryParseCpus(node.Text!, out var cpus))
            {
                return cpus;
            }

            throw PipelineErrors.Invalid(At(node), $"'resource_limits.cpu' is not a CPU count: {Describe(node)}.", ResourceQuantities.CpusHint);
        }

        /// <summary>resource_limits.memory: a Kubernetes quantity ("64Mi", "2G") or a number of bytes.</summary>
        private long Memory(JsonSpecNode node)
        {
            if (node.Kind is JsonValueKind.Number or JsonValueKind.String && ResourceQuantities.TryParseMemory(node.Text!, out var bytes))
            {
                return bytes;
            }

            throw PipelineErrors.Invalid(At(node), $"'resource_limits.memory' is not a memory size: {Describe(node)}.", ResourceQuantities.MemoryHint);
        }

        /// <summary>
        /// The object's fields by snake_case name; an ignored field is left out; any other unknown field is an
        /// error naming it and listing what is read and what is ignored there.
        /// </summary>
        private Dictionary<string, JsonSpecNode.Member> Fields(JsonSpecNode obj, string path, Shape shape)
        {
            var fields = new Dictionary<string, JsonSpecNode.Member>(StringComparer.Ordinal);
            foreach (var member in obj.Members)
            {
                var key = SnakeCase(member.Name);
                var full = path.Length == 0 ? member.Name : $"{path}.{member.Name}";
                if (shape.Read.Contains(key))
                {
                    if (!fields.TryAdd(key, member))
                    {
                        throw PipeException.At(At(member.Offset), ErrorCodes.MalformedJsonSpec, $"'{full}' appears twice. Keep one.");
                    }
                }
                else if (shape.Ignored.Contains(key))
                {
                    if (!IgnoredSet.Contains(full))
                    {
                        IgnoredSet.Add(full);
                    }
                }
                else
                {
                    var ignored = shape.Ignored.Count == 0 ? "" : $"; these Pachyderm fields are accepted and ignored: {string.Join(", ", shape.Ignored)}";
                    throw new PipeException(
                        ErrorCodes.UnsupportedSpecField,
                        $"{At(member.Offset)}: unknown or unsupported field '{full}' in the pipeline spec. Remove it: PipeBuild reads {string.Join(", ", shape.Read.Where(r => r != "atom"))} {(path.Length == 0 ? "at the top level" : $"in '{path}'")}{ignored}.");
                }
            }

            return fields;
        }

        /// <summary><c>transform.secrets</c>: <c>[{"name", "key", "env_var", "mount_path"}]</c>, checked as a .pipeproj's PipeSecret items are.</summary>
        private List<SecretReference> Secrets(JsonSpecNode node, IReadOnlyList<KeyValuePair<string, string>> env)
        {
            var secrets = Array(node, "transform.secrets").Select((item, i) =>
            {
                var path = $"transform.secrets[{i}]";
                var fields = Fields(Object(item, path), path, SecretShape);
                string? Field(string key) => fields.TryGetValue(key, out var member) ? String(member.Value, $"{path}.{key}") : null;
                var secret = new SecretReference(Field("name") ?? "", Field("key"), Field("env_var"), Field("mount_path"));
                return (secret, Where: (Func<string, (string, string)>)(field => ($"{path}.{field}", At(fields.TryGetValue(field, out var member) ? member.Value : item))));
            }).ToList();
            PipelineValidation.Secrets(secrets, env);
            return [.. secrets.Select(s => s.secret)];
        }

        private JsonSpecNode Required(JsonSpecNode obj, Dictionary<string, JsonSpecNode.Member> fields, string key, string path, string example)
        {
            if (fields.TryGetValue(key, out var member))
            {
                return member.Value;
            }

            var full = path.Length == 0 ? key : $"{path}.{key}";
            throw PipelineErrors.Invalid(At(obj), $"the pipeline spec has no '{full}'.", $"Add \"{key}\": {example}.");
        }

        private JsonSpecNode Object(JsonSpecNode node, string path) =>
            node.Kind == JsonValueKind.Object ? node : throw WrongType(node, path, "an object");

        private List<JsonSpecNode> Array(JsonSpecNode node, string path) =>
            node.Kind == JsonValueKind.Array ? node.Items : throw WrongType(node, path, "an array");

        private string String(JsonSpecNode node, string path) =>
            node.Kind == JsonValueKind.String ? node.Text! : throw WrongType(node, path, "a string");

        private List<string> Strings(JsonSpecNode node, string path) =>
            [.. Array(node, path).Select((item, i) => String(item, $"{path}[{i}]"))];

        /// <summary>A whole number, written as a number or (protobuf JSON) as a string of digits.</summary>
        private int Integer(JsonSpecNode node, string path, int minimum)
        {
            if (node.Kind is JsonValueKind.Number or JsonValueKind.String
                && int.TryParse(node.Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
            {
                return value >= minimum
                    ? value
                    : throw PipelineErrors.Invalid(At(node), $"'{path}' is {value}.", $"Use a whole number of at least {minimum}.");
            }

            throw WrongType(node, path, "a whole number");
        }

        private bool Boolean(JsonSpecNode node, string path) => node.Kind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.String when bool.TryParse(node.Text, out var b) => b,
            _ => throw WrongType(node, path, "true or false"),
        };

        private PipeException WrongType(JsonSpecNode node, string path, string expected) =>
            PipelineErrors.Invalid(At(node), $"'{path}' must be {expected}, not {Describe(node)}.", "Fix the value.");

        private string At(JsonSpecNode node) => At(node.Offset);

        private string At(long offset) => lines.At(offset + bom).ToString();

        private static string Describe(JsonSpecNode node) => node.Kind switch
        {
            JsonValueKind.Object => "an object",
            JsonValueKind.Array => "an array",
            JsonValueKind.String => $"the string \"{node.Text}\"",
            JsonValueKind.Number => $"the number {node.Text}",
            JsonValueKind.True or JsonValueKind.False => "a boolean",
            _ => "null",
        };

        /// <summary>protobuf JSON accepts lowerCamelCase for every snake_case field: joinOn is join_on.</summary>
        private static string SnakeCase(string name)
        {
            if (name.All(char.IsAsciiLetterUpper))
            {
                return name.ToLowerInvariant(); // egress.URL: protobuf's json_name for a field named in capitals
            }

            var result = new StringBuilder(name.Length + 4);
            foreach (var c in name)
            {
                if (char.IsAsciiLetterUpper(c))
                {
                    result.Append('_').Append(char.ToLowerInvariant(c));
                }
                else
                {
                    result.Append(c);
                }
            }

            return result.ToString();
        }
    }
}
