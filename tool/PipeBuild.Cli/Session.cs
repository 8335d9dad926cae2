using System.CommandLine;
using PipeBuild.Core;
using PipeBuild.Engine;
using PipeBuild.Evaluation;
using PipeBuild.Store;

namespace PipeBuild.Cli;

/// <summary>
/// What a command runs against: the parsed command line, the console it was started with, the workspace and its
/// store (opened on first use).
/// </summary>
internal sealed class Session(ParseResult parseResult) : IAsyncDisposable
{
    private Workspace? workspace;
    private IObjectStore? objects;
    private VersionStore? store;
    private PipelineEngine? engine;

    public ParseResult Parse => parseResult;

    /// <summary>The streams, folder and environment of this run (<see cref="PipeTool"/> passes them in).</summary>
    public PipeConsole Console { get; } = ((PipeInvocation)parseResult.InvocationConfiguration).Console;

    public Renderer Out => field ??= new(parseResult.GetValue(GlobalOptions.Output), Console);

    public Workspace Workspace => workspace ??= Workspace.Find(parseResult.GetValue(GlobalOptions.Workspace), Console);

    public VersionStore Store => store ??= Open();

    public PipelineEngine Engine => engine ??= new PipelineEngine(Store, name => ExecutorFactory.Create(name, this), Path.Combine(Workspace.MetadataPath, "tmp", "jobs"))
    {
        EgressTargets = Workspace.OpenEgress,
        Secrets = Workspace.Secrets,
    };

    /// <summary>
    /// After a write to <paramref name="repo"/>: runs the pipelines downstream of it (as Pachyderm's always-on
    /// pipelines would), unless <c>--no-run</c>. Returns the exit code: 2 if a job failed.
    /// </summary>
    public async Task<int> RunDownstreamAsync(string repo, bool noRun, CancellationToken cancellationToken)
    {
        if (noRun || (await Engine.Registry.ListAsync(cancellationToken)).Count == 0)
        {
            return Core.ExitCodes.Ok;
        }

        var jobs = await JobReporter.RunAsync(Console, progress => Engine.RunDownstreamAsync([repo], progress, cancellationToken));
        // stdout carries the write's own result (maybe JSON); the downstream jobs are reported on stderr.
        JobReporter.Summarize(Console.Error, jobs);
        return JobReporter.ExitCode(jobs);
    }

    /// <summary>
    /// Who makes a commit this command writes to <paramref name="repo"/>: the spout outputting it when the command runs
    /// in that spout's process (<see cref="LongRunningSupervisor.SpoutVariable"/>, which <c>watch</c> sets), as Pachyderm 2 records
    /// a spout's <c>pachctl put file</c> as the pipeline's; else a user (null).
    /// </summary>
    public async Task<CommitOrigin?> OriginAsync(string repo, CancellationToken cancellationToken) =>
        Console.Variable(LongRunningSupervisor.SpoutVariable) == repo && await Engine.Registry.TryGetAsync(repo, cancellationToken) is { Spec.Spout: true }
            ? CommitOrigin.Pipeline(repo, [])
            : null;

    /// <summary>The workspace's default branch: what a reference without <c>@BRANCH</c> names, and where pipelines write.</summary>
    public string DefaultBranch => Workspace.Config.DefaultBranch;

    /// <summary>Parses a reference; one that names no branch gets the workspace's default branch.</summary>
    public CommitRef Ref(string text) => CommitRef.Parse(text, DefaultBranch);

    /// <summary>
    /// A reference to a commit for a command that acts on the commit itself (<paramref name="command"/>): a path in it
    /// is refused, not ignored.
    /// </summary>
    public CommitRef CommitOnly(string text, string command)
    {
        var reference = Ref(text);
        return reference.Path is { Length: > 0 }
            ? throw new PipeException(ErrorCodes.InvalidReference, $"'{text}' names a path in a commit; {command} takes the commit alone (REPO@BRANCH or REPO@COMMIT). 'dotnet pipe file list {text}' shows what is at the path.")
            : reference;
    }

    /// <summary>
    /// A reference to a branch for <paramref name="command"/>: a path or an ancestry step (<c>^</c>, <c>~N</c>,
    /// <c>.N</c>) is refused, not ignored (<c>commit start data@master^</c> opened a commit on master).
    /// </summary>
    public CommitRef BranchOnly(string text, string command)
    {
        var reference = Ref(text);
        var extra = reference.Path is { Length: > 0 } ? "a path in a commit" : reference.IsPlain ? null : "an older commit of a branch";
        return extra is null
            ? reference
            : throw new PipeException(ErrorCodes.InvalidReference, $"'{text}' names {extra}; {command} takes a branch alone (REPO@BRANCH).");
    }

    /// <summary>
    /// The default branch a pipeline file is read with: the workspace's, or master outside one (<c>pipeline convert</c>
    /// and <c>inspect -f</c> need no workspace).
    /// </summary>
    public string PipelineDefaultBranch => PipelineWorkspaceConfig?.DefaultBranch ?? CommitRef.DefaultBranch;

    /// <summary>
    /// The <c>-p:Name=Value</c> properties a pipeline file is read with: <paramref name="given"/>, and the workspace's
    /// default executor (<c>dotnet pipe config set executor</c>) for files that name none, unless given.
    /// </summary>
    public IReadOnlyDictionary<string, string> PipelineProperties(IReadOnlyDictionary<string, string> given)
    {
        if (PipelineWorkspaceConfig?.Executor is not { } executor || given.ContainsKey(PipelineLoader.DefaultExecutorProperty))
        {
            return given;
        }

        return new Dictionary<string, string>(given, StringComparer.OrdinalIgnoreCase) { [PipelineLoader.DefaultExecutorProperty] = executor };
    }

    private WorkspaceConfig? PipelineWorkspaceConfig => (workspace ?? Workspace.TryFind(parseResult.GetValue(GlobalOptions.Workspace), Console, out _))?.Config;

    /// <summary>A path from the command line, absolute (relative paths are relative to the console's folder).</summary>
    public string FullPath(string path) => Console.FullPath(path);

    public T Get<T>(Option<T> option) => parseResult.GetValue(option)!;

    public T Get<T>(Argument<T> argument) => parseResult.GetValue(argument)!;

    /// <summary>
    /// Opens the workspace's store after checking its format (<see cref="StoreFormat"/>). Waited on synchronously:
    /// <see cref="Store"/> is a property every command reads, and the CLI has no synchronization context to deadlock.
    /// </summary>
    private VersionStore Open()
    {
        objects = Workspace.OpenObjectStore();
        StoreFormat.CheckAsync(objects, CancellationToken.None).GetAwaiter().GetResult();
        return new VersionStore(objects);
    }

    public async ValueTask DisposeAsync()
    {
        if (objects is not null)
        {
            await objects.DisposeAsync();
        }
    }
}
