namespace PipeBuild.Store;

/// <summary>What the branch document holds; it is only ever replaced by compare-and-swap.</summary>
public sealed record BranchDocument(string? Head, string? Open);
