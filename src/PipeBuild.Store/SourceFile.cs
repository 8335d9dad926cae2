namespace PipeBuild.Store;

/// <summary>
/// A local file to ingest and the repo path it goes to, with the size and modification time the walk saw (what the
/// stat cache compares); <paramref name="IsSpecial"/> when it is a named pipe, socket or device, read once as a stream
/// and never answered from the stat cache. No <see cref="FileInfo"/>: a put of a million files holds a million of
/// these, and a FileInfo with its strings took several times the room.
/// </summary>
public sealed record SourceFile(string FullPath, string RepoPath, long Length, DateTime LastWriteTimeUtc, bool IsSpecial = false)
{
    public static SourceFile Of(FileInfo file, string repoPath, bool isSpecial = false) =>
        new(file.FullName, repoPath, file.Length, file.LastWriteTimeUtc, isSpecial);
}
