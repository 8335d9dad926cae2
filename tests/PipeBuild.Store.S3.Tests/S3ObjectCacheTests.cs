using System.Security.Cryptography;
using PipeBuild.Core;
using Xunit;

namespace PipeBuild.Store.S3.Tests;

/// <summary>
/// The read cache is shared by every process of a workspace: their writes, renames and trims race on one folder,
/// and none of that may fail the read the cache serves (it failed a parallel `file put` in CI once).
/// </summary>
public sealed class S3ObjectCacheTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("pipe-s3-cache-").FullName;

    [SkippableFact]
    public async Task Caches_sharing_a_folder_add_and_trim_at_once_without_failing()
    {
        const long bound = 64 * 1024;
        var objects = Enumerable.Range(0, 400).Select(_ => RandomNumberGenerator.GetBytes(1024 + RandomNumberGenerator.GetInt32(4096))).ToList();

        // Each cache stands for a short-lived process (its own size lock, its first add measures the folder).
        await Task.WhenAll(Enumerable.Range(0, 4).Select(worker => Task.Run(() =>
        {
            foreach (var data in objects.Skip(worker).Where((_, i) => i % 2 == 0))
            {
                var cache = new S3ObjectCache(folder, bound);
                var hash = ContentHash.Of(data);
                cache.Add(hash, data);
                var read = cache.TryRead(hash);
                Assert.True(read is null || read.AsSpan().SequenceEqual(data));
            }
        })));

        var files = Directory.GetFiles(folder, "*", SearchOption.AllDirectories);
        Assert.NotEmpty(files);
        Assert.All(files, f => Assert.DoesNotContain(".tmp-", f, StringComparison.Ordinal));
        Assert.All(files, f => Assert.Equal(Path.GetFileName(Path.GetDirectoryName(f)) + Path.GetFileName(f), ContentHash.Of(File.ReadAllBytes(f))));
    }

    [SkippableFact]
    public void A_cache_folder_removed_between_reads_is_filled_again()
    {
        var cache = new S3ObjectCache(folder, 1024 * 1024);
        var first = RandomNumberGenerator.GetBytes(100);
        cache.Add(ContentHash.Of(first), first);
        Directory.Delete(folder, recursive: true);

        Assert.Null(cache.TryRead(ContentHash.Of(first)));
        var second = RandomNumberGenerator.GetBytes(100);
        cache.Add(ContentHash.Of(second), second);
        Assert.Equal(second, cache.TryRead(ContentHash.Of(second)));
    }

    public void Dispose()
    {
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
