namespace PipeBuild.Store;

/// <summary>Stored file content: how it is stored, its hash and its length in bytes.</summary>
public readonly record struct FileContent(EntryKind Kind, string Hash, long Size);
