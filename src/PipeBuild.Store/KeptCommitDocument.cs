namespace PipeBuild.Store;

/// <summary>
/// The content of <see cref="StoreKeys.KeptCommit"/>: written before a branch moves off its head (<c>branch create
/// --head</c>, <c>branch delete</c>), so that gc, which removes commits nothing reaches, keeps the history a rollback
/// left behind, as Pachyderm does, and tells it from commits a killed command wrote but never published.
/// </summary>
/// <param name="Branch">The branch whose head the commit was.</param>
/// <param name="Moved">When the branch moved off it.</param>
public sealed record KeptCommitDocument(string Branch, DateTimeOffset Moved);
