namespace PipeBuild.Core.Pipelines;

/// <summary>
/// A pipeline as the engine runs it, whichever file it came from (a <c>.pipeproj</c> evaluated by MSBuild, or a
/// Pachyderm JSON spec). Immutable; <see cref="TransformIdentity"/> names everything that decides outputs.
/// </summary>
public sealed record PipelineSpec
{
    public required string Name { get; init; }

    public string? Description { get; init; }

    /// <summary>The transform's argv. A <c>.pipeproj</c> <c>Command</c> string becomes <c>sh -c "..."</c>.</summary>
    public required IReadOnlyList<string> Command { get; init; }

    /// <summary>Lines written to the transform's stdin (Pachyderm's <c>transform.stdin</c>).</summary>
    public IReadOnlyList<string> Stdin { get; init; } = [];

    /// <summary>
    /// The error handler (Pachyderm's <c>transform.err_cmd</c>): run on a datum whose tries all failed; when it
    /// succeeds the datum is recovered: it writes nothing to the output and does not fail the job. Empty: none.
    /// </summary>
    public IReadOnlyList<string> ErrorCommand { get; init => field = value ?? []; } = [];

    /// <summary>Lines written to the error handler's stdin (Pachyderm's <c>transform.err_stdin</c>).</summary>
    public IReadOnlyList<string> ErrorStdin { get; init => field = value ?? []; } = [];

    /// <summary>This spec with its error handler as the command: what an executor runs to try to recover a datum.</summary>
    public PipelineSpec AsErrorHandler() => this with { Command = ErrorCommand, Stdin = ErrorStdin, DatumBatching = false, AcceptReturnCodes = [] };

    /// <summary>
    /// The pipeline's inputs; a spout has none (an empty <see cref="CrossInput"/>): its process feeds its output repo itself.
    /// </summary>
    public required PipelineInput Input { get; init; }

    /// <summary>A spout's input: none.</summary>
    public static PipelineInput NoInput { get; } = new CrossInput([]);

    /// <summary>
    /// A spout (Pachyderm's <c>spout</c>): a long-running transform with no input that commits to its output repo with
    /// <c>dotnet pipe file put</c>, as Pachyderm 2's spouts do with <c>pachctl put file</c>. It runs no jobs;
    /// <c>dotnet pipe watch</c> keeps its process running. Not part of the transform identity: a spout has no datums.
    /// </summary>
    /// <remarks>Written only when set, so every other pipeline's document reads as before.</remarks>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)]
    public bool Spout { get; init; }

    /// <summary>
    /// A service (Pachyderm's <c>service</c>): its process serves its inputs' current commits on a port, restarted by
    /// <c>dotnet pipe watch</c> when they move; it runs no jobs. Null: not a service. Not part of the transform identity.
    /// </summary>
    public ServiceSettings? Service { get; init; }

    /// <summary>A spout or a service: a process <c>watch</c> keeps running rather than jobs <c>run</c> starts.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool LongRunning => Spout || Service is not null;

    /// <summary>
    /// The branch of the pipeline's repo its output commits go to: the workspace's default branch when the spec
    /// was read (inputs without a Branch read that branch too).
    /// </summary>
    /// <remarks>A pipeline stored before this existed, read back, writes to master as it always did.</remarks>
    public string OutputBranch { get; init; } = CommitRef.DefaultBranch;

    public IReadOnlyList<KeyValuePair<string, string>> Env { get; init; } = [];

    /// <summary>
    /// The secrets the transform is given (Pachyderm's <c>transform.secrets</c>): references only, the values are read
    /// where the transform starts. Null (a pipeline stored before secrets existed, read back) means none.
    /// </summary>
    public IReadOnlyList<SecretReference> Secrets { get; init => field = value ?? []; } = [];

    /// <summary>Container image for the docker and kubernetes executors.</summary>
    public string? Image { get; init; }

    /// <summary>
    /// The absolute folder the transform's command runs in (Pachyderm's <c>transform.working_dir</c>): in the container
    /// with the docker and kubernetes executors, a folder of this machine with the local one. Null: the image's own
    /// working directory (the pipeline's folder locally, <see cref="WorkingDirectory"/>).
    /// </summary>
    public string? WorkingDir { get; init; }

    /// <summary>
    /// The user the transform runs as (Pachyderm's <c>transform.user</c>), as docker takes it: <c>1000</c>,
    /// <c>1000:1000</c>, <c>name</c>, <c>name:group</c>. Null: the user running <c>dotnet pipe</c>. The local executor
    /// runs processes as that user only, so any other is an error there.
    /// </summary>
    public string? User { get; init; }

    /// <summary>The container network for the docker executor: null means none (no network at all).</summary>
    public string? Network { get; init; }

    /// <summary>CPUs a container may use (1.5 = one and a half); null: no limit.</summary>
    public double? Cpus { get; init; }

    /// <summary>Memory a container may use, in bytes; null: no limit.</summary>
    public long? Memory { get; init; }

    /// <summary>Workers; 0 means one per processor.</summary>
    public int Parallelism { get; init; }

    /// <summary>How many times a datum is tried before it fails, unless a pipeline says otherwise (Pachyderm's default).</summary>
    public const int DefaultDatumTries = 3;

    public int DatumTries { get; init; } = DefaultDatumTries;

    /// <summary>One of <see cref="ExecutorNames.All"/>.</summary>
    public string Executor { get; init; } = ExecutorNames.Local;

    /// <summary>Namespace, service account, resources, ... for the kubernetes executor.</summary>
    public KubernetesSettings Kubernetes { get; init; } = new();

    /// <summary>Files whose content is part of the transform identity (scripts, models), as absolute paths.</summary>
    public IReadOnlyList<string> TransformFiles { get; init; } = [];

    /// <summary>NuGet tool packages the transform runs; each one's content hash is part of the transform identity.</summary>
    /// <remarks>Null (a pipeline stored before packages existed, read back) means none.</remarks>
    public IReadOnlyList<TransformPackage> TransformPackages { get; init => field = value ?? []; } = [];

    /// <summary>
    /// One transform process per worker serves datum after datum, reading one line per datum from stdin and
    /// acknowledging each (Pachyderm's <c>datum_batching</c>); see docs/executors.md.
    /// </summary>
    public bool DatumBatching { get; init; }

    /// <summary>Exit codes other than 0 that count as success (Pachyderm's <c>accept_return_code</c>).</summary>
    public IReadOnlyList<int> AcceptReturnCodes { get; init; } = [];

    /// <summary>A datum that runs longer is stopped and counts as failed; null: no limit.</summary>
    public TimeSpan? DatumTimeout { get; init; }

    /// <summary>
    /// Where each output commit is copied (Pachyderm's <c>egress</c>); null: nowhere. Not part of the transform
    /// identity: it changes where the output goes, not what it is.
    /// </summary>
    public EgressUrl? Egress { get; init; }

    /// <summary>
    /// A job that runs longer is killed (Pachyderm's <c>job_timeout</c>); null: no limit. How long a job may run, not
    /// what it computes: it is not part of the transform identity.
    /// </summary>
    public TimeSpan? JobTimeout { get; init; }

    /// <summary>The folder the transform runs in with the local executor (the pipeline file's folder).</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>The file the spec was read from, for messages.</summary>
    public string? SourceFile { get; init; }

    /// <summary>Where in <see cref="SourceFile"/> each input repo is named (<c>file(line,col)</c> by repo), for messages.</summary>
    public IReadOnlyDictionary<string, string> InputSources { get; init; } = new Dictionary<string, string>();

    /// <summary>An error about this pipeline: at its <see cref="SourceFile"/> when it has one, else named by its name.</summary>
    public PipeException Error(string code, string message, Exception? inner = null) =>
        SourceFile is { } file ? PipeException.At(file, code, message, inner) : new PipeException(code, $"{Name}: {message}", ExitCodes.UserError, inner);
}
