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
        await TryGetAsync(name, cancellationToken) ?? throw NotFound(name);

    private static PipeException NotFound(string name) =>
        new(ErrorCodes.PipelineNotFound, $"pipeline '{name}' not found. 'dotnet pipe pipeline list' shows the pipelines.");

    public async Task<PipelineDocument?> TryGetAsync(string name, CancellationToken cancellationToken) =>
        Names.IsValid(name) && await Objects.TryReadAsync(EngineKeys.Pipeline(name), cancellationToken) is { } data
            ? EngineJson.Deserialize<PipelineDocument>(data)
            : null;

    /// <summary>A registered pipeline's inputs by name: input name → repo (empty when the pipeline is no longer registered).</summary>
    public async Task<Dictionary<string, string>> InputReposAsync(string name, CancellationToken cancellationToken) =>
        (await TryGetAsync(name, cancellationToken))?.Spec.Input.Leaves()
            .GroupBy(l => l.InputName, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Repo, StringComparer.Ordinal)
        ?? new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>
    /// Stops a pipeline (pachctl's <c>stop pipeline</c>) or starts it again: a stopped pipeline runs no job, and
    /// <c>watch</c> stops its spout's process. Returns the document as stored; stopping a stopped pipeline changes nothing.
    /// </summary>
    public async Task<PipelineDocument> SetStoppedAsync(string name, bool stopped, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 20; attempt++)
        {
            var stored = (Names.IsValid(name) ? await Objects.ReadDocumentAsync(EngineKeys.Pipeline(name), cancellationToken) : null) ?? throw NotFound(name);
            var pipeline = EngineJson.Deserialize<PipelineDocument>(stored.Content);
            if (pipeline.Stopped == stopped)
            {
                return pipeline;
            }

            pipeline = pipeline with { Stopped = stopped };
            if (await Objects.TryWriteDocumentAsync(EngineKeys.Pipeline(name), EngineJson.Serialize(pipeline), stored.Version, cancellationToken) is not null)
            {
                return pipeline;
            }
        }

        throw new PipeException(ErrorCodes.Contention, $"pipeline '{name}' kept changing meanwhile; try again.");
    }

    /// <summary>Registers a new pipeline (or replaces one when <paramref name="update"/>), after checking its inputs and the DAG.</summary>
    public async Task<PipelineDocument> SaveAsync(PipelineSpec spec, bool update, Reprocess reprocess, CancellationToken cancellationToken) =>
        (await SaveAllAsync([spec], update, reprocess, cancellationToken))[0];

    /// <summary>
    /// Registers several pipelines (the specs of one file) or none, as <see cref="SaveAsync"/> registers one: all are
    /// checked, with each other's outputs as repos they may read and with each other in the DAG, before any is stored,
    /// and a write that loses a race to another writer undoes those before it. The documents come in the specs' order.
    /// </summary>
    public async Task<IReadOnlyList<PipelineDocument>> SaveAllAsync(IReadOnlyList<PipelineSpec> specs, bool update, Reprocess reprocess, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(specs);
        if (specs.GroupBy(s => s.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            throw new ArgumentException($"Two specs name pipeline '{twice.Key}'.", nameof(specs));
        }

        var existing = new List<StoredDocument?>();
        foreach (var spec in specs)
        {
            existing.Add(await CheckAsync(spec, update, cancellationToken));
        }

        var repos = (await store.ListReposAsync(cancellationToken)).Select(r => r.Name).ToHashSet(StringComparer.Ordinal);
        var others = (await ListAsync(cancellationToken)).Where(p => specs.All(s => s.Name != p.Name)).ToList();
        var pipelines = specs.Select(s => s.Name).Concat(others.Select(p => p.Name)).ToHashSet(StringComparer.Ordinal);
        foreach (var spec in specs)
        {
            CheckInputs(spec, repos, specs, pipelines);
        }

        var documents = new List<PipelineDocument>();
        foreach (var (spec, previous) in specs.Zip(existing))
        {
            documents.Add(await DocumentAsync(spec, previous is null ? null : EngineJson.Deserialize<PipelineDocument>(previous.Content), reprocess, cancellationToken));
        }

        try
        {
            PipelineGraph.EnsureAcyclic([.. others, .. documents]);
        }
        catch (PipeException e) when (e.Code == ErrorCodes.PipelineCycle)
        {
            throw specs[0].Error(e.Code, e.Message, e);
        }

        // Every output repo first: a pipeline registered before its upstream one must find the repo it reads.
        foreach (var spec in specs.Where(s => !repos.Contains(s.Name)))
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

        // A cron input's repo is the pipeline's to make, as Pachyderm makes PIPELINE_NAME: its ticks go there.
        foreach (var (repo, name) in specs.SelectMany(s => s.Input.Leaves().Where(l => l.Cron is not null && !repos.Contains(l.Repo)).Select(l => (l.Repo, s.Name))).DistinctBy(r => r.Repo))
        {
            try
            {
                await store.CreateRepoAsync(repo, $"ticks of a cron input of pipeline {name}", cancellationToken);
            }
            catch (PipeException e) when (e.Code == ErrorCodes.RepoExists)
            {
                // made meanwhile by another registration of the same pipeline
            }
        }

        var written = new List<(PipelineDocument Document, StoredDocument? Previous, string Version)>();
        try
        {
            foreach (var document in PipelineGraph.Order(documents))
            {
                var previous = existing[documents.IndexOf(document)];
                var version = await Objects.TryWriteDocumentAsync(EngineKeys.Pipeline(document.Name), EngineJson.Serialize(document), previous?.Version, cancellationToken)
                    ?? throw new PipeException(ErrorCodes.Contention, $"pipeline '{document.Name}' was changed by someone else meanwhile; try again.");
                written.Add((document, previous, version));
            }
        }
        catch when (written.Count > 0)
        {
            await UndoAsync(written, repos);
            throw;
        }

        // As Pachyderm does, creating the pipeline sets each input's trigger on its branch, making the branch if it is new.
        foreach (var input in specs.SelectMany(s => s.Input.Leaves()).Where(l => l.Trigger is not null))
        {
            await store.SetTriggerAsync(input.Repo, input.Branch, input.Trigger!, cancellationToken);
        }

        return documents;
    }

    /// <summary>The pipeline's registered document, after checking the spec is one to register: new unless <paramref name="update"/>.</summary>
    private async Task<StoredDocument?> CheckAsync(PipelineSpec spec, bool update, CancellationToken cancellationToken)
    {
        Names.Validate(spec.Name, "pipeline");
        if (spec.Executor != ExecutorNames.Local)
        {
            DatumBatching.ThrowIfUnsupported(spec, spec.Executor);
            // A spout's process calls `dotnet pipe file put` against this workspace, which a container or a pod has not;
            // `watch` runs a service's process on this machine or in a container of its engine, not in a cluster.
            if (spec.Spout || (spec.Service is not null && spec.Executor != ExecutorNames.Docker))
            {
                throw spec.Error(
                    ErrorCodes.SpoutUnsupported,
                    spec.Spout
                        ? $"a spout runs on the local executor only, under 'dotnet pipe watch', and this pipeline runs on the {spec.Executor} executor. Use <Executor>local</Executor> (or --executor local)."
                        : $"a service runs on the local or docker executor, under 'dotnet pipe watch', and this pipeline runs on the {spec.Executor} executor. Use <Executor>docker</Executor> or local.");
            }
        }
        else if (spec.Service is { } service && service.ExternalPort != service.InternalPort)
        {
            throw spec.Error(
                ErrorCodes.ServicePortUnmapped,
                $"the service's external port {service.ExternalPort} differs from its internal port {service.InternalPort} (service.external_port, ServiceExternalPort), and the local executor runs its process on this machine, where nothing maps one port to the other. Make them the same port.");
        }

        var existing = await Objects.ReadDocumentAsync(EngineKeys.Pipeline(spec.Name), cancellationToken);
        if (existing is not null && !update)
        {
            throw spec.Error(ErrorCodes.PipelineExists, $"pipeline '{spec.Name}' already exists. Use 'dotnet pipe pipeline update -f ...' to change it.");
        }

        if (existing is null && update)
        {
            throw spec.Error(ErrorCodes.PipelineNotFound, $"pipeline '{spec.Name}' not found; create it with 'dotnet pipe pipeline create -f ...'.");
        }

        return existing;
    }

    /// <summary>Each repo the spec reads exists in <paramref name="repos"/> or is the output of another of <paramref name="specs"/>.</summary>
    private static void CheckInputs(PipelineSpec spec, HashSet<string> repos, IReadOnlyList<PipelineSpec> specs, HashSet<string> pipelines)
    {
        foreach (var (repo, cron) in spec.Input.Leaves().Select(l => (l.Repo, l.Cron is not null)).Distinct())
        {
            var where = spec.InputSources.GetValueOrDefault(repo) ?? spec.SourceFile ?? spec.Name;
            if (repo == spec.Name)
            {
                throw PipeException.At(where, ErrorCodes.PipelineCycle, $"pipeline '{spec.Name}' reads its own output repo.");
            }

            if (cron && pipelines.Contains(repo))
            {
                throw PipeException.At(where, ErrorCodes.PipelineCycle, $"the cron input repo '{repo}' is the output of pipeline '{repo}': its ticks would be written into another pipeline's output. Name another repo.");
            }

            if (!cron && !repos.Contains(repo) && specs.All(s => s.Name != repo))
            {
                throw PipeException.At(where, ErrorCodes.InputRepoMissing, $"input repo '{repo}' does not exist. Create it ('dotnet pipe repo create {repo}') or the pipeline that outputs it first.");
            }
        }
    }

    /// <summary>
    /// Puts back what a failed <see cref="SaveAllAsync"/> wrote: each document as it was, and the output repos it made for
    /// pipelines it had created (none of them holds a commit yet). A document someone changed since is theirs, and kept.
    /// </summary>
    private async Task UndoAsync(IEnumerable<(PipelineDocument Document, StoredDocument? Previous, string Version)> written, HashSet<string> repos)
    {
        foreach (var (document, previous, version) in written.Reverse())
        {
            var key = EngineKeys.Pipeline(document.Name);
            var undone = previous is null
                ? await Objects.TryDeleteDocumentAsync(key, version, CancellationToken.None)
                : await Objects.TryWriteDocumentAsync(key, previous.Content, version, CancellationToken.None) is not null;
            if (undone && previous is null && !repos.Contains(document.Name))
            {
                await store.DeleteRepoAsync(document.Name, readers: null, CancellationToken.None);
            }
        }
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
            Stopped = previous?.Stopped ?? false,
        };
    }
}
