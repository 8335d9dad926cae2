using PipeBuild.Core;

namespace PipeBuild.Store;

/// <summary>A branch: its head commit and, while one is being written, its open commit.</summary>
public sealed record BranchInfo(string Repo, string Name, string? Head, string? Open)
{
    /// <summary>The trigger set on the branch (<see cref="VersionStore.GetTriggerAsync"/>), where a caller reads it; null otherwise.</summary>
    public BranchTrigger? Trigger { get; init; }
}
