using System.Diagnostics;
using System.Globalization;
using System.Text;
using PipeBuild.Core;
using PipeBuild.Store.Local;

namespace PipeBuild.Store.Tests;

/// <summary>What only the local folder store does: its files, lock files and temporary files.</summary>
public sealed class LocalObjectStoreTests : IDisposable
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly TempDirectory temp = new();
    private readonly LocalObjectStore store;

    public LocalObjectStoreTests() => store = new LocalObjectStore(temp.Combine("store"));

    [Fact]
    public async Task EntriesAreFilesUnderTheRoot()
    {
        await store.PutIfAbsentAsync("objects/ab/cdef", Bytes("object"), None);
        await store.TryWriteDocumentAsync("refs/data/master", Bytes("document"), null, None);

        Assert.Equal(Path.GetFullPath(temp.Combine("store")), store.Location);
        Assert.Equal("object", File.ReadAllText(temp.Combine("store", "objects", "ab", "cdef")));
        Assert.Equal("document", File.ReadAllText(temp.Combine("store", "refs", "data", "master")));
    }

    [Fact]
    public async Task AStaleLockNamingADeadProcessIsBroken()
    {
        const string key = "refs/data/master";
        await store.TryWriteDocumentAsync(key, Bytes("old"), null, None);
        var version = (await store.ReadDocumentAsync(key, None))!.Version;
        var lockFile = temp.Combine("store", "refs", "data", "master.lock");
        File.WriteAllText(lockFile, DeadProcessId().ToString(CultureInfo.InvariantCulture) + "\n");

        var elapsed = Stopwatch.StartNew();
        var written = await store.TryWriteDocumentAsync(key, Bytes("new"), version, None);

        Assert.NotNull(written);
        Assert.True(elapsed.Elapsed < TimeSpan.FromSeconds(10), $"breaking the stale lock took {elapsed.Elapsed}");
        Assert.Equal("new", Encoding.UTF8.GetString((await store.ReadDocumentAsync(key, None))!.Content));
        Assert.False(File.Exists(lockFile));
        Assert.Empty(Directory.GetFiles(temp.Combine("store", "refs", "data"), "*.stale-*"));
    }

    [Fact]
    public async Task ALockHeldByALiveProcessIsRespected()
    {
        const string key = "refs/data/master";
        var lockFile = temp.Combine("store", "refs", "data", "master.lock");
        Directory.CreateDirectory(Path.GetDirectoryName(lockFile)!);
        File.WriteAllText(lockFile, Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "\n");
        using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.TryWriteDocumentAsync(key, Bytes("blocked"), null, timeout.Token));

        Assert.Null(await store.ReadDocumentAsync(key, None));
        File.Delete(lockFile);
        Assert.NotNull(await store.TryWriteDocumentAsync(key, Bytes("after"), null, None));
    }

    [Fact]
    public async Task TemporaryAndLockFilesAreNotListed()
    {
        await store.PutIfAbsentAsync("objects/ab/real", Bytes("real"), None);
        await store.TryWriteDocumentAsync("objects/ab/document", Bytes("document"), null, None);
        File.WriteAllText(temp.Combine("store", "objects", "ab", "real.tmp-0123456789ab"), "half written");
        File.WriteAllText(temp.Combine("store", "objects", "ab", "other.tmp-ba9876543210"), "half written");
        File.WriteAllText(temp.Combine("store", "objects", "ab", "document.lock"), "1\n");

        var keys = new List<string>();
        await foreach (var key in store.ListAsync("objects/", None))
        {
            keys.Add(key);
        }

        Assert.Equal(["objects/ab/document", "objects/ab/real"], keys.Order(StringComparer.Ordinal));
        Assert.False(await store.ExistsAsync("objects/ab/other", None));
    }

    [Fact]
    public async Task WritesLeaveNoTemporaryFiles()
    {
        await store.PutIfAbsentAsync("objects/cd/one", Bytes("1"), None);
        await store.PutIfAbsentAsync("objects/cd/one", Bytes("1"), None);
        await store.TryWriteDocumentAsync("refs/r/b", Bytes("1"), null, None);
        var version = (await store.ReadDocumentAsync("refs/r/b", None))!.Version;
        await store.TryWriteDocumentAsync("refs/r/b", Bytes("2"), version, None);

        var files = Directory.GetFiles(temp.Combine("store"), "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(temp.Combine("store"), f).Replace(Path.DirectorySeparatorChar, '/'));

        Assert.Equal(["objects/cd/one", "refs/r/b"], files.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task StaleTemporaryFilesAreRemovedAndYoungOnesKept()
    {
        await store.PutIfAbsentAsync("objects/ef/kept", Bytes("kept"), None);
        var old = temp.Combine("store", "objects", "ef", "crashed.tmp-000000000000");
        var young = temp.Combine("store", "objects", "ef", "writing.tmp-111111111111");
        File.WriteAllText(old, "left by a crash");
        File.WriteAllText(young, "being written");
        File.SetLastWriteTimeUtc(old, DateTime.UtcNow.AddHours(-2));

        var removed = store.RemoveStaleTemporaryFiles(TimeSpan.FromHours(1));

        Assert.Equal(1, removed);
        Assert.False(File.Exists(old));
        Assert.True(File.Exists(young));
        Assert.True(await store.ExistsAsync("objects/ef/kept", None));
    }

    [Theory]
    [InlineData("")]
    [InlineData("../outside")]
    [InlineData("objects/../../outside")]
    [InlineData("/etc/passwd")]
    public async Task KeysThatCouldLeaveTheRootAreRefused(string key)
    {
        var error = await Assert.ThrowsAsync<PipeException>(() => store.TryReadAsync(key, None));

        Assert.Equal(ErrorCodes.InvalidPath, error.Code);
    }

    public void Dispose() => temp.Dispose();

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>The id of a process that has exited.</summary>
    private static int DeadProcessId()
    {
        var start = OperatingSystem.IsWindows()
            ? new ProcessStartInfo("cmd.exe", "/c exit 0")
            : new ProcessStartInfo("sh", "-c true");
        start.UseShellExecute = false;
        using var process = Process.Start(start)!;
        process.WaitForExit();
        return process.Id;
    }
}
