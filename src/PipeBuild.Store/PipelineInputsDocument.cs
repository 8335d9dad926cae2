namespace PipeBuild.Store;

/// <summary>
/// The part of a stored pipeline the store itself needs: which repos it reads, so a repo in use is not deleted.
/// The pipeline engine writes the full document under <see cref="StoreKeys.Pipeline"/>.
/// </summary>
public sealed record PipelineInputsDocument(string Name, IReadOnlyList<string> InputRepos);
