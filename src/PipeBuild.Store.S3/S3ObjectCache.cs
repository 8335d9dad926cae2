using System.Security.Cryptography;
using PipeBuild.Core;

namespace PipeBuild.Store.S3;

/// <summary>
/// A local, bounded cache of content-addressed objects read from S3, so a rerun reads them from disk. It holds
/// only objects whose bytes hash to their name (never documents, which change), so a hit is always right; the
/// least recently used files go when it grows past its bound, and deleting the folder at any time is safe.
/// </summary>
internal sealed class S3ObjectCache(string folder, long maxBytes)
{
    private readonly Lock sizeLock = new();
    private long? size;

    public byte[]? TryRead(string hash)
    {
        var path = PathOf(hash);
        try
        {
            var data = File.ReadAllBytes(path);
            File.SetLastWriteTimeUtc(path, DateTime.UtcNow); // recently used: trimmed last
            return data;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // missing, or removed by a trim or a user meanwhile
        }
    }

    /// <summary>Keeps <paramref name="data"/> if it is the object named <paramref name="hash"/>; never fails the read it serves.</summary>
    public void Add(string hash, ReadOnlySpan<byte> data)
    {
        if (data.Length > maxBytes / 4 || ContentHash.Of(data) != hash)
        {
            return;
        }

        var path = PathOf(hash);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var temp = $"{path}.tmp-{Environment.ProcessId}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";
            File.WriteAllBytes(temp, data);
            File.Move(temp, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return; // a cache that cannot be written is no cache, not an error
        }

        lock (sizeLock)
        {
            try
            {
                size = (size ?? MeasureSize()) + data.Length;
                if (size > maxBytes)
                {
                    size = Trim(maxBytes * 3 / 4);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                size = null; // the folder changed under us (removed by a user): measure again next time
            }
        }
    }

    private string PathOf(string hash) => Path.Combine(folder, hash[..2], hash[2..]);

    private long MeasureSize() => Files().Sum(f => f.Length);

    /// <summary>Deletes the least recently used files until at most <paramref name="target"/> bytes remain.</summary>
    private long Trim(long target)
    {
        var files = Files().OrderBy(f => f.Used).ToList();
        var total = files.Sum(f => f.Length);
        foreach (var (file, length, _) in files)
        {
            if (total <= target)
            {
                break;
            }

            try
            {
                file.Delete();
                total -= length;
            }
            catch (IOException)
            {
                // another process trims too
            }
        }

        return total;
    }

    /// <summary>
    /// The cached files with their size and last use. Other processes share the folder: a file listed may be
    /// renamed (a temporary file landing) or trimmed before it is examined, and is then skipped, not an error.
    /// </summary>
    private IEnumerable<(FileInfo File, long Length, DateTime Used)> Files()
    {
        if (!Directory.Exists(folder))
        {
            yield break;
        }

        foreach (var file in new DirectoryInfo(folder).EnumerateFiles("*", SearchOption.AllDirectories))
        {
            long length;
            DateTime used;
            try
            {
                length = file.Length;
                used = file.LastWriteTimeUtc;
            }
            catch (IOException)
            {
                continue;
            }

            yield return (file, length, used);
        }
    }
}
