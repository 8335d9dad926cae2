using PipeBuild.Core;
using PipeBuild.Core.Pipelines;
using PipeBuild.Store;

namespace PipeBuild.Engine;

/// <summary>Registered pipelines: create, update, list, delete; each owns an output repo with its name.</summary>
public sealed class PipelineRegistry(VersionStore store, TimeProvider? timeProvider = null)
{
    private readonly TimeProvider time = timeProvider ?? TimeProvider.System;

    private IObjectStore Objects => store.Objects;

    public async Task<IReadOnlyList<PipelineDocument>> ListAsync(CancellationToken cancellationToken)
    {
        var pipelines = new List<PipelineDocument>();
        await foreach (var key in Objects.ListAsync(EngineKeys.PipelinesPrefix, cancellationToken))
        {
            if (await Objects.TryReadAsync(key, cancellationToken) is { } data)
            {
                pipelines.Add(EngineJson.Deserialize<PipelineDocument>(data));
            }
        }

        return [.. pipelines.OrderBy(p => p.Name, StringComparer.Ordinal)];
    }

    public async Task<PipelineDocument> GetAsync(string name, CancellationToken cancellationToken) =>
        await TryGetAsync(name, cancellationToken)
        ?? throw new PipeException(ErrorCodes.PipelineNotFound, $"pipeline '{name}' not found. 'dotnet pipe pipeline list' shows the pipelines.");

    public async Task<PipelineDocument?> TryGetAsync(string name, CancellationToken cancellationToken) =>
        Names.IsValid(name) && await Objects.TryReadAsync(EngineKeys.Pipeline(name), cancellationToken) is { } data
            ? EngineJson.Deserialize<PipelineDocument>(data)
            : null;

    /// <summary>A registered pipeline's inputs by name: input name → repo (empty when the pipeline is no longer registered).</summary>
    public async Task<Dictionary<string, string>> InputReposAsync(string name, CancellationToken cancellationToken) =>
        (await TryGetAsync(name, cancellationToken))?.Spec.Input.Leaves()
            .GroupBy(l => l.InputName, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Repo, StringComparer.Ordinal)
        ?? new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Registers a new pipeline (or replaces one when <paramref name="update"/>), after checking its inputs and the DAG.</summary>
    public async Task<PipelineDocument> SaveAsync(PipelineSpec spec, bool update, Reprocess reprocess, CancellationToken cancellationToken)
    {
        Names.Validate(spec.Name, "pipeline");
        if (spec.Executor != ExecutorNames.Local)
        {
            DatumBatching.ThrowIfUnsupported(spec, spec.Executor);
        }

        var key = EngineKeys.Pipeline(spec.Name);
        var existing = await Objects.ReadDocumentAsync(key, cancellationToken);
        if (existing is not null && !update)
        {
            throw spec.Error(ErrorCodes.PipelineExists, $"pipeline '{spec.Name}' already exists. Use 'dotnet pipe pipeline update -f ...' to change it.");
        }

        if (existing is null && update)
        {
            throw new PipeException(ErrorCodes.PipelineNotFound, $"pipeline '{spec.Name}' not found; create it with 'dotnet pipe pipeline create -f ...'.");
        }

        var inputs = spec.Input.Leaves().Select(l => l.Repo).Distinct(StringComparer.Ordinal).ToList();
        foreach (var repo in inputs)
        {
            var where = spec.InputSources.GetValueOrDefault(repo) ?? spec.SourceFile ?? spec.Name;
            if (repo == spec.Name)
            {
                throw PipeException.At(where, ErrorCodes.PipelineCycle, $"pipeline '{spec.Name}' reads its own output repo.");
            }

            if ((await store.ListReposAsync(cancellationToken)).All(r => r.Name != repo))
            {
                throw PipeException.At(where, ErrorCodes.InputRepoMissing, $"input repo '{repo}' does not exist. Create it ('dotnet pipe repo create {repo}') or the pipeline that outputs it first.");
            }
        }

        var others = (await ListAsync(cancellationToken)).Where(p => p.Name != spec.Name).ToList();
        PipelineGraph.EnsureAcyclic([.. others, new PipelineDocument { Name = spec.Name, InputRepos = inputs, Spec = spec }]);

        var document = await DocumentAsync(spec, existing is null ? null : EngineJson.Deserialize<PipelineDocument>(existing.Content), reprocess, cancellationToken);

        if (existing is null && (await store.ListReposAsync(cancellationToken)).All(r => r.Name != spec.Name))
        {
            try
            {
                await store.CreateRepoAsync(spec.Name, $"output of pipeline {spec.Name}", cancellationToken);
            }
            catch (PipeException e) when (e.Code == ErrorCodes.RepoExists)
            {
                // another process registering this pipeline made it first: the document's compare-and-swap decides below
            }
        }

        if (await Objects.TryWriteDocumentAsync(key, EngineJson.Serialize(document), existing?.Version, cancellationToken) is null)
        {
            throw new PipeException(ErrorCodes.Contention, $"pipeline '{spec.Name}' was changed by someone else meanwhile; try again.");
        }

        return document;
    }

    /// <summary>
    /// The document <see cref="SaveAsync"/> would register for <paramref name="spec"/> now, without registering it or
    /// checking its inputs: what <c>run --question</c> judges a changed definition file by.
    /// </summary>
    public async Task<PipelineDocument> PreviewAsync(PipelineSpec spec, Reprocess reprocess, CancellationToken cancellationToken) =>
        await DocumentAsync(spec, await TryGetAsync(spec.Name, cancellationToken), reprocess, cancellationToken);

    /// <summary>The pipelines reading <paramref name="repo"/>: what the store asks before it deletes a repo (<see cref="VersionStore.DeleteRepoAsync"/>).</summary>
    public async Task<IReadOnlyList<string>> ReadersOfAsync(string repo, CancellationToken cancellationToken) =>
        [.. (await ListAsync(cancellationToken)).Where(p => p.InputRepos.Contains(repo)).Select(p => p.Name)];

    /// <summary>Deletes a pipeline (and, unless <paramref name="keepRepo"/>, its output repo).</summary>
    public async Task DeleteAsync(string name, bool keepRepo, CancellationToken cancellationToken)
    {
        var pipeline = await GetAsync(name, cancellationToken);
        var readers = await ReadersOfAsync(name, cancellationToken);
        if (readers.Count > 0 && !keepRepo)
        {
            throw new PipeException(ErrorCodes.RepoInUse, $"pipeline(s) {string.Join(", ", readers)} read the output of '{name}'; delete them first or pass --keep-repo.");
        }

        await Objects.DeleteAsync(EngineKeys.Pipeline(pipeline.Name), cancellationToken);
        await new JobStore(Objects).DeleteAllAsync(name, cancellationToken);

        if (!keepRepo)
        {
            await store.DeleteRepoAsync(name, readers: null, cancellationToken);
        }
    }

    private async Task<PipelineDocument> DocumentAsync(PipelineSpec spec, PipelineDocument? previous, Reprocess reprocess, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        // Kept is what the last successful job ran under: its table's rows are all keyed by it (a job that took
        // results over stores them under its own identity too), so one identity is all a later update needs.
        var kept = reprocess == Reprocess.None && previous is not null ? (await new JobStore(Objects).LastSuccessAsync(spec.Name, cancellationToken))?.TransformHash : null;
        return new PipelineDocument
        {
            Name = spec.Name,
            InputRepos = [.. spec.Input.Leaves().Select(l => l.Repo).Distinct(StringComparer.Ordinal)],
            Spec = spec,
            Created = previous?.Created ?? now,
            Updated = now,
            Version = (previous?.Version ?? 0) + 1,
            Salt = reprocess == Reprocess.All ? Guid.NewGuid().ToString("N") : null,
            KeepsResultsOf = kept,
        };
    }
}
