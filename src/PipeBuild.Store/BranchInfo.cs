namespace PipeBuild.Store;

/// <summary>A branch: its head commit and, while one is being written, its open commit.</summary>
public sealed record BranchInfo(string Repo, string Name, string? Head, string? Open);
