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
        Assert.Equal("""{"format":3}""", File.ReadAllText(temp.Combine("store", "format")));
        Assert.Equal(new StoreFormatDocument(StoreFormat.Current), await StoreFormat.CheckAsync(store, default));
    }

    [Fact]
    public async Task A_store_from_before_the_format_document_is_upgraded_and_may_hold_unsealed_commits()
    {
        await store.TryWriteDocumentAsync("repos/data", """{"name":"data"}"""u8.ToArray(), null, default);
        await AssertUpgradedAsync(legacyCommits: true);
    }

    [Fact]
    public async Task A_format_1_store_is_upgraded_in_place()
    {
        await store.TryWriteDocumentAsync(StoreKeys.Format, """{"format":1}"""u8.ToArray(), null, default);
        await AssertUpgradedAsync(legacyCommits: true);
    }

    [Theory]
    [InlineData("""{"format":2}""", null)]
    [InlineData("""{"format":2,"legacyCommits":true}""", true)]
    public async Task A_format_2_store_is_upgraded_keeping_what_it_says_of_seals(string content, bool? legacyCommits)
    {
        await store.TryWriteDocumentAsync(StoreKeys.Format, Encoding.UTF8.GetBytes(content), null, default);
        await AssertUpgradedAsync(legacyCommits);
    }

    /// <summary>Upgraded to the current format, with gc told to keep every commit written until now (older tools did not record the commits a branch was moved off).</summary>
    private async Task AssertUpgradedAsync(bool? legacyCommits)
    {
        var before = DateTimeOffset.UtcNow;
        var upgraded = await StoreFormat.CheckAsync(store, default);
        Assert.Equal((StoreFormat.Current, legacyCommits), (upgraded.Format, upgraded.LegacyCommits));
        Assert.InRange(upgraded.KeepCommitsBefore!.Value, before, DateTimeOffset.UtcNow);
        Assert.Equal(upgraded, await StoreFormat.CheckAsync(store, default)); // recorded once, not moved on each open
        var written = File.ReadAllText(temp.Combine("store", "format"));
        var prefix = legacyCommits is true ? "{\"format\":3,\"legacyCommits\":true,\"keepCommitsBefore\":\"" : "{\"format\":3,\"keepCommitsBefore\":\"";
        Assert.StartsWith(prefix, written, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"format":4}""", "the store has format 4, written by a newer dotnet pipe; this one reads format 3 and older")]
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
