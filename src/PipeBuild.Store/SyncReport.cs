namespace PipeBuild.Store;

/// <summary>What a <see cref="StoreSync"/> copied: commits and objects new to the destination, branches moved.</summary>
public sealed record SyncReport(int Repos, int Commits, int Objects, long Bytes, IReadOnlyList<string> BranchesMoved, IReadOnlyList<string> BranchesAhead);
