using System.Text;

namespace PipeBuild.Store.Tests;

/// <summary>
/// What every <see cref="IEgressTarget"/> must do, wherever the files go. An implementation passes this suite
/// unchanged: subclass it and return a fresh target with a store that reads the same place back.
/// </summary>
public abstract class EgressTargetConformanceTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    /// <summary>A new, empty target, and an object store on the same place to read what it wrote (keys are paths).</summary>
    protected abstract Task<(IEgressTarget Target, IObjectStore Reader)> CreateAsync();

    [Fact]
    public async Task PutWritesEachFileUnderItsPath()
    {
        var (target, reader) = await CreateAsync();
        await using (target)
        await using (reader)
        {
            await PutAsync(target, "top.txt", "top");
            await PutAsync(target, "dir/sub/deep.csv", "a,b\n1,2\n");

            Assert.Equal("top", Text(await reader.TryReadAsync("top.txt", None)));
            Assert.Equal("a,b\n1,2\n", Text(await reader.TryReadAsync("dir/sub/deep.csv", None)));
        }
    }

    [Fact]
    public async Task PutReplacesAFileWholly()
    {
        var (target, reader) = await CreateAsync();
        await using (target)
        await using (reader)
        {
            await PutAsync(target, "model.txt", "a longer first version");
            await PutAsync(target, "model.txt", "second");

            Assert.Equal("second", Text(await reader.TryReadAsync("model.txt", None)));
        }
    }

    [Fact]
    public async Task DeleteRemovesAFileAndIsQuietAboutOneThatIsNotThere()
    {
        var (target, reader) = await CreateAsync();
        await using (target)
        await using (reader)
        {
            await PutAsync(target, "dir/gone.txt", "x");
            await PutAsync(target, "kept.txt", "y");

            await target.DeleteAsync("dir/gone.txt", None);
            await target.DeleteAsync("never-there.txt", None);
            await target.DeleteAsync("no/such/folder.txt", None);

            Assert.Null(await reader.TryReadAsync("dir/gone.txt", None));
            Assert.Equal("y", Text(await reader.TryReadAsync("kept.txt", None)));
        }
    }

    [Fact]
    public async Task ALargeFileIsCopiedWholeFromAStreamReadOnce()
    {
        var (target, reader) = await CreateAsync();
        await using (target)
        await using (reader)
        {
            var data = new byte[20 * 1024 * 1024 + 12_345]; // past S3's multipart threshold
            new Random(7).NextBytes(data);

            await target.PutAsync("big.bin", new ForwardOnly(data), data.Length, None);

            Assert.Equal(data, await reader.TryReadAsync("big.bin", None));
        }
    }

    private static Task PutAsync(IEgressTarget target, string path, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        return target.PutAsync(path, new ForwardOnly(bytes), bytes.Length, None);
    }

    private static string? Text(byte[]? data) => data is null ? null : Encoding.UTF8.GetString(data);

    /// <summary>Content as the store hands it over: read front to back, once, no length or seeking.</summary>
    private sealed class ForwardOnly(byte[] data) : ForwardReadStream
    {
        private int position;

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var count = Math.Min(buffer.Length, Math.Min(data.Length - position, 64 * 1024)); // short reads, as a network stream gives
            data.AsMemory(position, count).CopyTo(buffer);
            position += count;
            return ValueTask.FromResult(count);
        }
    }
}
