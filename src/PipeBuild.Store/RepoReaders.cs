namespace PipeBuild.Store;

/// <summary>
/// What reads a repo, by name, so that <see cref="VersionStore.DeleteRepoAsync"/> does not delete it from under a
/// reader. The engine gives its pipelines (the store reads no engine document), as it gives gc its roots.
/// </summary>
public delegate Task<IReadOnlyList<string>> RepoReaders(string repo, CancellationToken cancellationToken);
