using System.Text;
using PipeBuild.Core;
using PipeBuild.Store.Local;

namespace PipeBuild.Store.Tests;

/// <summary>The store format version: recorded at creation, given to stores from before it, refused when newer or damaged.</summary>
public sealed class StoreFormatTests : IDisposable
{
    private readonly TempDirectory temp = new();
    private readonly LocalObjectStore store;

    public StoreFormatTests() => store = new LocalObjectStore(temp.Combine("store"));

    [Fact]
    public async Task A_new_store_records_the_current_format()
    {
        await StoreFormat.InitializeAsync(store, default);
        Assert.Equal("""{"format":1}""", File.ReadAllText(temp.Combine("store", "format")));
        Assert.Equal(StoreFormat.Current, await StoreFormat.CheckAsync(store, default));
    }

    [Fact]
    public async Task A_store_from_before_the_format_document_is_read_as_format_1_and_gets_it()
    {
        await store.TryWriteDocumentAsync("refs/data/master", "{}"u8.ToArray(), null, default);
        Assert.Equal(1, await StoreFormat.CheckAsync(store, default));
        Assert.True(File.Exists(temp.Combine("store", "format")));
    }

    [Theory]
    [InlineData("""{"format":2}""", "the store has format 2, written by a newer dotnet pipe; this one reads format 1 and older")]
    [InlineData("garbage{{", "is damaged")]
    [InlineData("""{"format":0}""", "is damaged")]
    public async Task A_newer_or_damaged_format_is_refused_naming_both_versions(string content, string message)
    {
        await store.TryWriteDocumentAsync(StoreKeys.Format, Encoding.UTF8.GetBytes(content), null, default);
        var error = await Assert.ThrowsAsync<PipeException>(() => StoreFormat.CheckAsync(store, default));
        Assert.Equal((ErrorCodes.StoreFormat, ExitCodes.UserError), (error.Code, error.ExitCode));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Equal(content, File.ReadAllText(temp.Combine("store", "format")));
    }

    public void Dispose() => temp.Dispose();
}
