using PipeBuild.Core;
using PipeBuild.Core.Pipelines;
using PipeBuild.Engine;
using PipeBuild.Evaluation;
using PipeBuild.Packages;

namespace PipeBuild.Cli;

/// <summary>
/// The workspace's <c>.pipeproj</c> files are the source of truth, as project files are for a build: <c>run</c>
/// evaluates them all and registers new or changed definitions before bringing pipelines up to date.
/// </summary>
internal static class WorkspacePipelines
{
    private static readonly HashSet<string> SkippedFolders = new(StringComparer.Ordinal) { Workspace.MetadataFolder, "bin", "obj", "node_modules", ".git" };

    /// <summary>
    /// The pipelines of <paramref name="files"/> (a .pipeproj evaluated with <paramref name="properties"/>, or a JSON
    /// spec), or of every .pipeproj in the workspace when there are none.
    /// </summary>
    public static async Task<IReadOnlyList<PipelineSpec>> LoadAsync(Session session, IReadOnlyList<string> files, IReadOnlyDictionary<string, string> properties, CancellationToken cancellationToken)
    {
        var specs = new List<PipelineSpec>();
        var cache = new EvaluationCache(Path.Combine(session.Workspace.MetadataPath, "cache", "evaluation"));
        properties = session.PipelineProperties(properties);
        foreach (var file in files.Count > 0 ? files.Select(session.FullPath).Distinct(StringComparer.Ordinal) : Find(session.Workspace.Root))
        {
            foreach (var spec in PipelineLoader.LoadAll(file, properties, session.DefaultBranch, cache, session.Out.Note))
            {
                // Registered one after the other, the last definition of a name would silently win.
                if (specs.Find(s => s.Name == spec.Name) is { } first)
                {
                    throw spec.Error(
                        ErrorCodes.InvalidPipelineValue,
                        $"pipeline '{spec.Name}' is defined in {Path.GetRelativePath(session.Workspace.Root, first.SourceFile!)} too. Give each pipeline its own name.");
                }

                specs.Add(await ResolvePackagesAsync(session, spec, cancellationToken));
            }
        }

        return specs;
    }

    /// <summary>Downloads (or finds in the NuGet cache) the spec's TransformPackages: their hashes are part of its identity.</summary>
    public static Task<PipelineSpec> ResolvePackagesAsync(Session session, PipelineSpec spec, CancellationToken cancellationToken) =>
        TransformPackageResolver.ResolveAsync(spec, session.Out.Note, cancellationToken);

    /// <summary>Every spec whose definition differs from the registered one (or is not registered yet).</summary>
    public static async Task<IReadOnlyList<(PipelineSpec Spec, bool Exists)>> FindChangesAsync(Session session, IReadOnlyList<PipelineSpec> specs, CancellationToken cancellationToken)
    {
        var changes = new List<(PipelineSpec, bool)>();
        foreach (var spec in specs)
        {
            var registered = await session.Engine.Registry.TryGetAsync(spec.Name, cancellationToken);
            // Where the inputs are named is for messages: moving a line is not a change of the pipeline.
            if (registered is null || !EngineJson.Serialize(registered.Spec with { InputSources = spec.InputSources }).AsSpan().SequenceEqual(EngineJson.Serialize(spec)))
            {
                changes.Add((spec, registered is not null));
            }
        }

        return changes;
    }

    /// <summary>Registers every new or changed definition among <paramref name="specs"/>, upstream pipelines first.</summary>
    public static async Task SyncAsync(Session session, IReadOnlyList<PipelineSpec> specs, CancellationToken cancellationToken)
    {
        var pending = (await FindChangesAsync(session, specs, cancellationToken)).ToList();
        while (pending.Count > 0)
        {
            // A pipeline can only be registered once the repos it reads exist; those may be other pending outputs.
            var repos = (await session.Store.ListReposAsync(cancellationToken)).Select(r => r.Name).ToHashSet(StringComparer.Ordinal);
            var ready = pending.Where(p => p.Spec.Input.Leaves().All(l => repos.Contains(l.Repo))).ToList();
            foreach (var (spec, exists) in ready.Count > 0 ? ready : pending)
            {
                try
                {
                    await session.Engine.Registry.SaveAsync(spec, exists, Reprocess.Changed, cancellationToken);
                }
                catch (PipeException e) when (e.Code is ErrorCodes.PipelineExists or ErrorCodes.Contention)
                {
                    // Another run of this workspace registered it meanwhile: nothing to do if it registered this very
                    // definition, else register ours over it, once.
                    if (await FindChangesAsync(session, [spec], cancellationToken) is not [var (_, registered)])
                    {
                        continue;
                    }

                    await session.Engine.Registry.SaveAsync(spec, registered, Reprocess.Changed, cancellationToken);
                }

                session.Out.Note($"{(exists ? "updated" : "registered")} pipeline '{spec.Name}' from {Path.GetRelativePath(session.Workspace.Root, spec.SourceFile!)}");
            }

            pending.RemoveAll(p => (ready.Count > 0 ? ready : pending).Contains(p));
        }
    }

    private static IEnumerable<string> Find(string root)
    {
        var options = new EnumerationOptions { RecurseSubdirectories = false, AttributesToSkip = FileAttributes.ReparsePoint };
        foreach (var file in Directory.EnumerateFiles(root, "*.pipeproj", options).Order(StringComparer.Ordinal))
        {
            yield return file;
        }

        foreach (var folder in Directory.EnumerateDirectories(root, "*", options).Where(d => !SkippedFolders.Contains(Path.GetFileName(d))).Order(StringComparer.Ordinal))
        {
            foreach (var file in Find(folder))
            {
                yield return file;
            }
        }
    }
}
