namespace PipeBuild.Store;

/// <summary>
/// A local file to ingest and the repo path it goes to; <paramref name="IsSpecial"/> when it is a named pipe, socket
/// or device, read once as a stream and never answered from the stat cache.
/// </summary>
public sealed record SourceFile(FileInfo File, string RepoPath, bool IsSpecial = false);
