namespace PipeBuild.Cli;

// The JSON shapes of command results that have no store type of their own.

/// <summary>What a delete command removed.</summary>
internal sealed record DeletedResult(string Deleted, string? Commit = null);

internal sealed record InitResult(string Workspace, string Store, string? CompareAndSwap = null);

internal sealed record VersionResult(string Component, string Version);

internal sealed record PutResult(string Commit, string Repo, string Branch, int Files, long Bytes, bool Open);

internal sealed record RepoSummary(string Name, DateTimeOffset Created, long Size, IReadOnlyList<string> Branches, string? Description);

/// <summary>What <c>fsck</c> verified: the store's objects and commits, then the engine's job records and results.</summary>
internal sealed record FsckResult(int Objects, int Commits, int Jobs, int Results, IReadOnlyList<string> Problems)
{
    public bool IsClean => Problems.Count == 0;
}
