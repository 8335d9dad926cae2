namespace PipeBuild.Store;

/// <summary>One difference between two trees, as <c>file diff</c> reports it.</summary>
public sealed record FileChange(FileChangeKind Kind, string Path, long? OldSize, long? NewSize);
