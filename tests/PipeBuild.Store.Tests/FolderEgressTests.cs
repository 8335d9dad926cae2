using PipeBuild.Core;
using PipeBuild.Store.Local;

namespace PipeBuild.Store.Tests;

/// <summary>The egress conformance suite on <see cref="FolderEgress"/>, and what only a folder has: temp files, empty folders, refusals.</summary>
public sealed class FolderEgressTests : EgressTargetConformanceTests, IDisposable
{
    private readonly TempDirectory temp = new();

    protected override Task<(IEgressTarget Target, IObjectStore Reader)> CreateAsync()
    {
        var folder = temp.Combine("egress-" + Guid.NewGuid().ToString("N"));
        return Task.FromResult<(IEgressTarget, IObjectStore)>((new FolderEgress(folder), new LocalObjectStore(folder)));
    }

    [Fact]
    public async Task A_delete_removes_the_folders_it_empties_and_leaves_no_temporary_files()
    {
        var folder = temp.Combine("out");
        await using var target = new FolderEgress(folder);
        await target.PutAsync("a/b/c.txt", new MemoryStream("c"u8.ToArray()), 1, default);
        await target.PutAsync("a/d.txt", new MemoryStream("d"u8.ToArray()), 1, default);

        await target.DeleteAsync("a/b/c.txt", default);

        Assert.Equal([Path.Combine(folder, "a", "d.txt")], Directory.GetFiles(folder, "*", SearchOption.AllDirectories));
        Assert.False(Directory.Exists(Path.Combine(folder, "a", "b")));
        await target.DeleteAsync("a/d.txt", default);
        Assert.Empty(Directory.GetFileSystemEntries(folder));
        Assert.True(Directory.Exists(folder)); // the egress folder itself stays
    }

    [Fact]
    public async Task A_file_that_cannot_be_written_is_an_egress_error_naming_the_path()
    {
        var folder = temp.Combine("blocked");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "dir"), "a file where a folder is needed");
        await using var target = new FolderEgress(folder);

        var error = await Assert.ThrowsAsync<PipeException>(() => target.PutAsync("dir/x.txt", new MemoryStream("x"u8.ToArray()), 1, default));

        Assert.Equal(ErrorCodes.EgressFailed, error.Code);
        Assert.Contains("'dir/x.txt'", error.Message, StringComparison.Ordinal);
        Assert.Contains(folder, error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => temp.Dispose();
}
