namespace PipeBuild.Store;

/// <summary>A path whose entry differs between two trees: <see cref="Old"/> or <see cref="New"/> is null when added or removed.</summary>
public sealed record EntryChange(string Path, TreeEntry? Old, TreeEntry? New);
