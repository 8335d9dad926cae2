using PipeBuild.Core;

namespace PipeBuild.Store;

/// <summary>
/// Stores local files and folders as content, in parallel, skipping files the <see cref="StatCache"/> knows.
/// Every name is checked before anything is written, so bad input leaves the store as it was.
/// </summary>
public sealed class LocalSourceIngester(ContentStore content, StatCache? cache, int parallelism)
{
    /// <summary>The files of <paramref name="source"/> (a file, or a folder when <paramref name="recursive"/>) mapped under <paramref name="target"/>.</summary>
    public static IReadOnlyList<SourceFile> Plan(string source, string target, bool recursive)
    {
        if (Directory.Exists(source))
        {
            if (!recursive)
            {
                throw new PipeException(ErrorCodes.SourceUnreadable, $"'{source}' is a folder; pass -r to put it recursively.");
            }

            var root = new DirectoryInfo(source);
            var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint, IgnoreInaccessible = false };
            return [.. root.EnumerateFiles("*", options)
                .Select(f => new SourceFile(f, RepoPath.Normalize(RepoPath.Combine(target, Path.GetRelativePath(root.FullName, f.FullName).Replace('\\', '/')))))
                .OrderBy(f => f.RepoPath, StringComparer.Ordinal)];
        }

        var file = new FileInfo(source);
        if (!file.Exists)
        {
            throw new PipeException(ErrorCodes.SourceUnreadable, $"cannot read '{source}': no such file or folder.");
        }

        return [new SourceFile(file, target.Length > 0 ? target : RepoPath.Normalize(file.Name))];
    }

    /// <summary>Stores every file; reports bytes as they are read.</summary>
    public async Task<IReadOnlyList<(string RepoPath, FileContent Content)>> IngestAsync(
        IReadOnlyList<SourceFile> files, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        var results = new (string, FileContent)[files.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, files.Count),
            new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken },
            async (i, ct) => results[i] = (files[i].RepoPath, await IngestAsync(files[i].File, progress, ct)));
        cache?.Save();
        return results;
    }

    private async Task<FileContent> IngestAsync(FileInfo file, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        if (cache?.TryGet(file) is { } known && await content.ContainsAsync(known.Hash, cancellationToken))
        {
            progress?.Report(known.Size);
            return known;
        }

        try
        {
            await using var stream = new FileStream(file.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
            var stored = await content.WriteAsync(stream, progress, cancellationToken);
            cache?.Set(file, stored);
            return stored;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new PipeException(ErrorCodes.SourceUnreadable, $"cannot read '{file.FullName}': {e.Message}");
        }
    }
}
