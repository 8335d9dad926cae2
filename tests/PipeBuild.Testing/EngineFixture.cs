using System.Text;
using PipeBuild.Core;
using PipeBuild.Core.Pipelines;
using PipeBuild.Engine;
using PipeBuild.Executors.Local;
using PipeBuild.Store;
using PipeBuild.Store.Local;

namespace PipeBuild.Testing;

/// <summary>
/// A store in a temp folder, the engine with a real executor (the local one unless given another), and helpers
/// to write inputs and read outputs.
/// </summary>
public sealed class EngineFixture : IDisposable
{
    public EngineFixture(IDatumExecutor? executor = null)
        : this(_ => executor ?? new LocalExecutor())
    {
    }

    /// <param name="createExecutor">makes the executor once <see cref="Root"/> and <see cref="Store"/> exist (a worker
    /// pool's workers reach the store themselves)</param>
    public EngineFixture(Func<EngineFixture, IDatumExecutor> createExecutor)
    {
        Root = Directory.CreateTempSubdirectory("pipe-engine-").FullName;
        Store = new VersionStore(new LocalObjectStore(Path.Combine(Root, ".pipe")));
        Executor = createExecutor(this);
        // The engine disposes each executor it is handed after use; the fixture's one lives as long as the fixture.
        Engine = new PipelineEngine(Store, _ => new Borrowed(Executor), Path.Combine(Root, ".pipe", "tmp"));
    }

    public IDatumExecutor Executor { get; }

    public string Root { get; }

    public VersionStore Store { get; }

    public PipelineEngine Engine { get; }

    public static PipelineSpec Shell(string name, string script, PipelineInput input) => new()
    {
        Name = name,
        Command = ["sh", "-c", script],
        Input = input,
        DatumTries = 1,
        Parallelism = 2,
    };

    public async Task<CommitInfo> PutAsync(string repo, IReadOnlyDictionary<string, string> files, string branch = "master")
    {
        if ((await Store.ListReposAsync(default)).All(r => r.Name != repo))
        {
            await Store.CreateRepoAsync(repo, null, default);
        }

        return await Store.WriteAsync(new CommitRef(repo, branch, [], null), null, async (editor, ct) =>
        {
            foreach (var (path, text) in files)
            {
                await editor.SetFileAsync(RepoPath.Normalize(path), await Store.Content.WriteAsync(Encoding.UTF8.GetBytes(text), ct), ct);
            }
        }, default);
    }

    public async Task<PipelineDocument> CreateAsync(PipelineSpec spec, Reprocess reprocess = Reprocess.Changed, bool update = false) =>
        await Engine.Registry.SaveAsync(spec, update, reprocess, default);

    public async Task<JobInfo> RunOneAsync(string pipeline)
    {
        var jobs = await Engine.RunAsync([pipeline], force: true, null, default);
        return jobs.Single(j => j.Pipeline == pipeline);
    }

    /// <summary>Every file of a repo's master head: path → text.</summary>
    public async Task<Dictionary<string, string>> ReadAsync(string repo)
    {
        var commit = await Store.ResolveAsync(CommitRef.Parse($"{repo}@master"), default);
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        await foreach (var (path, entry) in Store.WalkFilesAsync("", new TreeEntry("", EntryKind.Directory, 0, commit.Tree), default))
        {
            files[path] = Encoding.UTF8.GetString(await Store.Content.ReadAllAsync(entry.Content, default));
        }

        return files;
    }

    public void Dispose()
    {
        Executor.DisposeAsync().AsTask().GetAwaiter().GetResult();
        foreach (var file in Directory.EnumerateFiles(Root, "*", SearchOption.AllDirectories))
        {
            File.SetAttributes(file, FileAttributes.Normal);
        }

        Directory.Delete(Root, recursive: true);
    }

    private sealed class Borrowed(IDatumExecutor executor) : IDatumExecutor
    {
        public string Name => executor.Name;

        public Task<DatumOutcome> RunAsync(DatumWork work, CancellationToken cancellationToken) => executor.RunAsync(work, cancellationToken);

        public ValueTask<string?> ResolveIdentityAsync(PipelineSpec spec, CancellationToken cancellationToken) => executor.ResolveIdentityAsync(spec, cancellationToken);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
