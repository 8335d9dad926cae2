using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;
using PipeBuild.Core;

namespace PipeBuild.Store.Local;

/// <summary>
/// <see cref="IObjectStore"/> on a local folder. Every write goes to a temporary file that is renamed into
/// place, so a reader or a crash never sees half an entry. Write-once objects skip the per-file fsync (which
/// would cost more than hashing) and are made durable together by <see cref="FlushAsync"/> before any ref
/// moves; documents are fsynced one by one and replaced under a <see cref="FileLock"/>.
/// </summary>
public sealed class LocalObjectStore : IObjectStore
{
    private const string TempMarker = ".tmp-";

    // The errno values .NET reports as the HResult of an IOException on Linux: ENOSPC, EDQUOT.
    private const int DiskFull = 28;
    private const int QuotaExceeded = 122;
    private readonly string root;
    private readonly ConcurrentDictionary<string, bool> knownDirectories = new(StringComparer.Ordinal);

    public LocalObjectStore(string root)
    {
        this.root = Path.GetFullPath(root);
        Directory.CreateDirectory(this.root);
    }

    public string Location => root;

    public Task<bool> ExistsAsync(string key, CancellationToken cancellationToken) =>
        Task.FromResult(File.Exists(PathOf(key)));

    public async Task<byte[]?> TryReadAsync(string key, CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        try
        {
            return await File.ReadAllBytesAsync(path, cancellationToken);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (UnauthorizedAccessException) when (Directory.Exists(path))
        {
            throw FolderWhereFileBelongs(key);
        }
    }

    public Task<Stream?> TryOpenReadAsync(string key, CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        try
        {
            return Task.FromResult<Stream?>(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 64 * 1024, useAsync: true));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return Task.FromResult<Stream?>(null);
        }
        catch (UnauthorizedAccessException) when (Directory.Exists(path))
        {
            throw FolderWhereFileBelongs(key);
        }
    }

    public Task<bool> PutIfAbsentAsync(string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken) =>
        PutIfAbsent(key, Writing(content));

    public Task<bool> PutIfAbsentAsync(string key, Stream content, CancellationToken cancellationToken) =>
        PutIfAbsent(key, handle =>
        {
            var buffer = new byte[256 * 1024];
            long offset = 0;
            for (int read; (read = content.Read(buffer)) > 0; offset += read)
            {
                RandomAccess.Write(handle, buffer.AsSpan(0, read), offset);
            }
        });

    private Task<bool> PutIfAbsent(string key, Action<SafeFileHandle> write)
    {
        var path = PathOf(key);
        if (File.Exists(path))
        {
            return Task.FromResult(false);
        }

        var temp = WriteTemp(path, write, durable: false);
        try
        {
            File.Move(temp, path, overwrite: false);
            return Task.FromResult(true);
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(temp); // another writer stored the same object first
            return Task.FromResult(false);
        }
    }

    public async Task<StoredDocument?> ReadDocumentAsync(string key, CancellationToken cancellationToken)
    {
        var content = await TryReadAsync(key, cancellationToken);
        return content is null ? null : new StoredDocument(content, VersionOf(content));
    }

    public Task<string?> TryWriteDocumentAsync(
        string key, ReadOnlyMemory<byte> content, string? expectedVersion, CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        using var fileLock = FileLock.Acquire(path + ".lock", cancellationToken);
        if (CurrentVersion(key, path) != expectedVersion)
        {
            return Task.FromResult<string?>(null);
        }

        var temp = WriteTemp(path, Writing(content), durable: true);
        File.Move(temp, path, overwrite: true);
        FileSync.Directory(Path.GetDirectoryName(path)!);
        return Task.FromResult<string?>(VersionOf(content.Span));
    }

    public Task<bool> TryDeleteDocumentAsync(string key, string expectedVersion, CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        using var fileLock = FileLock.Acquire(path + ".lock", cancellationToken);
        if (CurrentVersion(key, path) != expectedVersion)
        {
            return Task.FromResult(false);
        }

        File.Delete(path);
        FileSync.Directory(Path.GetDirectoryName(path)!);
        return Task.FromResult(true);
    }

    public async IAsyncEnumerable<string> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Yield();
        var directory = PathOf(prefix.TrimEnd('/'));
        if (!Directory.Exists(directory))
        {
            yield break;
        }

        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = false };
        foreach (var file in Directory.EnumerateFiles(directory, "*", options))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var name = Path.GetFileName(file);
            if (name.Contains(TempMarker, StringComparison.Ordinal) || name.Contains(".lock", StringComparison.Ordinal))
            {
                continue;
            }

            yield return Path.GetRelativePath(root, file).Replace(Path.DirectorySeparatorChar, '/');
        }
    }

    public Task<DateTimeOffset?> GetLastModifiedAsync(string key, CancellationToken cancellationToken)
    {
        var info = new FileInfo(PathOf(key));
        return Task.FromResult<DateTimeOffset?>(info.Exists ? new DateTimeOffset(info.LastWriteTimeUtc) : null);
    }

    public Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            File.Delete(PathOf(key));
        }
        catch (DirectoryNotFoundException)
        {
            // nothing was ever stored under that folder: deleting is idempotent
        }

        return Task.CompletedTask;
    }

    public Task FlushAsync(CancellationToken cancellationToken)
    {
        FileSync.FileSystemOf(root);
        return Task.CompletedTask;
    }

    /// <summary>Removes temporary files left by writers that crashed (older than <paramref name="age"/>).</summary>
    public int RemoveStaleTemporaryFiles(TimeSpan age)
    {
        var removed = 0;
        var cutoff = DateTime.UtcNow - age;
        foreach (var file in Directory.EnumerateFiles(root, "*" + TempMarker + "*", SearchOption.AllDirectories))
        {
            if (File.GetLastWriteTimeUtc(file) < cutoff)
            {
                File.Delete(file);
                removed++;
            }
        }

        return removed;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static string VersionOf(ReadOnlySpan<byte> content) => Convert.ToHexStringLower(SHA256.HashData(content))[..32];

    private static string? CurrentVersion(string key, string path)
    {
        try
        {
            return VersionOf(File.ReadAllBytes(path));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (UnauthorizedAccessException) when (Directory.Exists(path))
        {
            throw FolderWhereFileBelongs(key);
        }
    }

    private static PipeException FolderWhereFileBelongs(string key) => StoreJson.Damaged(key, "it is a folder where a file belongs");

    private string PathOf(string key)
    {
        if (key.Length == 0 || key.Contains("..", StringComparison.Ordinal) || key.StartsWith('/'))
        {
            throw new PipeException(ErrorCodes.InvalidPath, $"invalid store key '{key}'.", ExitCodes.InternalError);
        }

        return Path.Combine(root, key.Replace('/', Path.DirectorySeparatorChar));
    }

    private static Action<SafeFileHandle> Writing(ReadOnlyMemory<byte> content) => handle => RandomAccess.Write(handle, content.Span, 0);

    private string WriteTemp(string path, Action<SafeFileHandle> write, bool durable)
    {
        var directory = Path.GetDirectoryName(path)!;
        if (!knownDirectories.ContainsKey(directory))
        {
            Directory.CreateDirectory(directory);
            knownDirectories[directory] = true;
        }

        var temp = path + TempMarker + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        try
        {
            using var handle = File.OpenHandle(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, FileOptions.None);
            write(handle);
            if (durable)
            {
                RandomAccess.FlushToDisk(handle);
            }
        }
        catch (IOException e)
        {
            File.Delete(temp); // half an entry would stay until gc
            if (e.HResult is DiskFull or QuotaExceeded)
            {
                throw new PipeException(
                    ErrorCodes.StoreFull,
                    $"no space left for the store in {root} ({e.Message}). Nothing was committed: free some space (`dotnet pipe gc` removes what the interrupted command stored) and run the command again.");
            }

            throw;
        }

        return temp;
    }
}
