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
            size = (size ?? MeasureSize()) + data.Length;
            if (size > maxBytes)
            {
                size = Trim(maxBytes * 3 / 4);
            }
        }
    }

    private string PathOf(string hash) => Path.Combine(folder, hash[..2], hash[2..]);

    private long MeasureSize() =>
        Directory.Exists(folder) ? new DirectoryInfo(folder).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length) : 0;

    /// <summary>Deletes the least recently used files until at most <paramref name="target"/> bytes remain.</summary>
    private long Trim(long target)
    {
        var files = new DirectoryInfo(folder).EnumerateFiles("*", SearchOption.AllDirectories).OrderBy(f => f.LastWriteTimeUtc).ToList();
        var total = files.Sum(f => f.Length);
        foreach (var file in files)
        {
            if (total <= target)
            {
                break;
            }

            try
            {
                file.Delete();
                total -= file.Length;
            }
            catch (IOException)
            {
                // another process trims too
            }
        }

        return total;
    }
}
