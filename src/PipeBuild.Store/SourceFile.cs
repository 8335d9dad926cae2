namespace PipeBuild.Store;

/// <summary>A local file to ingest and the repo path it goes to.</summary>
public sealed record SourceFile(FileInfo File, string RepoPath);
