namespace PipeBuild.Store;

/// <summary>
/// What layers above the store keep outside branches, for gc: content (the engine's stored results, logs and datum
/// tables) and commits their records name (the input and output commits of jobs).
/// </summary>
public sealed record GcRoots(IAsyncEnumerable<FileContent> Content, IAsyncEnumerable<RepoCommit> Commits)
{
    public static GcRoots None { get; } = new(AsyncEnumerable.Empty<FileContent>(), AsyncEnumerable.Empty<RepoCommit>());
}

/// <summary>A commit named by its repo and full id.</summary>
public sealed record RepoCommit(string Repo, string Id);
