using PipeBuild.Core;

namespace PipeBuild.Store;

/// <summary>
/// Stores local files and folders as content, in parallel, skipping files the <see cref="StatCache"/> knows.
/// Every name is checked before anything is written, so bad input leaves the store as it was.
/// </summary>
public sealed class LocalSourceIngester(ContentStore content, StatCache? cache, int parallelism)
{
    /// <summary>
    /// The files of <paramref name="source"/> (a file, or a folder when <paramref name="recursive"/>) mapped under
    /// <paramref name="target"/>; a folder's walk leaves out <paramref name="skipped"/> (the workspace's own <c>.pipe</c>
    /// folder, as git leaves out <c>.git</c>: a put of the workspace would otherwise store the store).
    /// </summary>
    public static IReadOnlyList<SourceFile> Plan(string source, string target, bool recursive, string? skipped = null)
    {
        if (Directory.Exists(source))
        {
            if (!recursive)
            {
                throw new PipeException(ErrorCodes.SourceUnreadable, $"'{source}' is a folder; pass -r to put it recursively.");
            }

            var root = new DirectoryInfo(source);
            var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint, IgnoreInaccessible = false };
            var left = skipped is null ? null : Path.TrimEndingDirectorySeparator(Path.GetFullPath(skipped)) + Path.DirectorySeparatorChar;
            return [.. root.EnumerateFiles("*", options)
                .Where(f => left is null || !f.FullName.StartsWith(left, StringComparison.Ordinal))
                .Select(f => (File: f, RepoPath: RepoPath.Normalize(RepoPath.Combine(target, Path.GetRelativePath(root.FullName, f.FullName).Replace('\\', '/')))))
                .Select(s => IsSpecial(s.File) // after the name's check: a name that is not UTF-8 cannot be stat'ed again
                    ? throw new PipeException(ErrorCodes.SourceUnreadable, $"'{s.File.FullName}' is not a regular file (a named pipe, socket or device), which a folder put cannot take; put it alone with -f to read it as a stream.")
                    : SourceFile.Of(s.File, s.RepoPath))
                .OrderBy(f => f.RepoPath, StringComparer.Ordinal)];
        }

        var file = new FileInfo(source);
        if (!file.Exists)
        {
            throw new PipeException(ErrorCodes.SourceUnreadable, $"cannot read '{source}': no such file or folder.");
        }

        return [SourceFile.Of(file, target.Length > 0 ? target : RepoPath.Normalize(file.Name), IsSpecial(file))];
    }

    /// <summary>Opens a local source for reading; a named pipe or device as a stream that cancellation can still stop.</summary>
    public static Task<Stream> OpenAsync(string path, CancellationToken cancellationToken) =>
        OpenAsync(path, IsSpecial(new FileInfo(path)), cancellationToken);

    private static async Task<Stream> OpenAsync(string path, bool special, CancellationToken cancellationToken)
    {
        try
        {
            return special
                ? await SpecialFileStream.OpenAsync(path, cancellationToken)
                : new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new PipeException(ErrorCodes.SourceUnreadable, $"cannot read '{path}': {e.Message}");
        }
    }

    /// <summary>Stores every file; reports bytes as they are read.</summary>
    public async Task<IReadOnlyList<(string RepoPath, FileContent Content)>> IngestAsync(
        IReadOnlyList<SourceFile> files, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        var results = new (string, FileContent)[files.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, files.Count),
            new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken },
            async (i, ct) => results[i] = (files[i].RepoPath, await IngestAsync(files[i], progress, ct)));
        cache?.Save();
        return results;
    }

    private async Task<FileContent> IngestAsync(SourceFile source, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        if (!source.IsSpecial && cache?.TryGet(source) is { } known && await content.ContainsAsync(known.Hash, cancellationToken))
        {
            progress?.Report(known.Size);
            return known;
        }

        await using var stream = await OpenAsync(source.FullPath, source.IsSpecial, cancellationToken); // known from the plan: no second stat
        FileContent stored;
        try
        {
            stored = await content.WriteAsync(stream, progress, cancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new PipeException(ErrorCodes.SourceUnreadable, $"cannot read '{source.FullPath}': {e.Message}");
        }

        if (!source.IsSpecial)
        {
            cache?.Set(source, stored);
        }

        return stored;
    }

    /// <summary>
    /// Whether a file is a named pipe, socket or device. Those report a size of 0, so only empty files pay for the
    /// extra system call: a folder of a million files is not slowed down.
    /// </summary>
    private static bool IsSpecial(FileInfo file) => file.Length == 0 && UnixFiles.IsRegularFile(file.FullName) == false;
}
