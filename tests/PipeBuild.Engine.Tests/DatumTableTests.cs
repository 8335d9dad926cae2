using System.Text;
using PipeBuild.Core;
using PipeBuild.Store;

namespace PipeBuild.Engine.Tests;

/// <summary>Datum tables: full, deltas of jobs planned from changes, folding deltas, and going back to full.</summary>
public sealed class DatumTableTests : IDisposable
{
    private const int Rows = 3000; // ~350 KB as a full table: past the delta limit
    private readonly EngineFixture fx = new();

    private ContentStore Content => fx.Store.Content;

    [Fact]
    public async Task A_job_replanning_a_few_datums_of_many_writes_a_small_delta_that_reads_as_the_whole_table()
    {
        var full = await WriteFullAsync();
        Assert.True(full.Size > DatumTable.DeltaLimit, $"the full table is {full.Size} bytes");

        // f00005 changed, f00005x is new (between f00005 and f00006 in plan order), f00010 went.
        JobDatum[] added = [Row("f00005", "v2", DatumState.Success), Row("f00005x", "v1", DatumState.Success) with { LogHash = null }];
        var delta = await DatumTable.WriteAsync(Content, added.Length, i => added[i], Carried(full, Rows - 2, "f00005", "f00005x", "f00010"), default);

        Assert.True(delta.Size < 1024, $"the delta is {delta.Size} bytes");
        Assert.Equal([delta, full], await DatumTable.ObjectsAsync(Content, delta, default));
        var expected = Enumerable.Range(0, Rows).Select(Name).Where(n => n != "f00010").Select(n => Row(n, "v1", DatumState.Skipped)).ToList();
        expected[5] = added[0];
        expected.Insert(6, added[1]);
        Assert.Equal(expected, await DatumTable.ReadAsync(Content, delta, default));
        await AssertKeysAsync(expected, delta);

        // The next job folds its change into one delta over the same full table; the previous job's rows count as reused.
        JobDatum[] next = [Row("f00020", "v2", DatumState.Success)];
        var second = await DatumTable.WriteAsync(Content, 1, i => next[i], Carried(delta, Rows - 1, "f00020"), default);
        Assert.Equal([second, full], await DatumTable.ObjectsAsync(Content, second, default));
        expected = [.. expected.Select(r => r with { State = DatumState.Skipped })];
        expected[20] = next[0];
        Assert.Equal(expected, await DatumTable.ReadAsync(Content, second, default));
        await AssertKeysAsync(expected, second);

        // The job of the full table still reads as it ran.
        Assert.All(await DatumTable.ReadAsync(Content, full, default), r => Assert.Equal(DatumState.Success, r.State));
        await AssertKeysAsync(await DatumTable.ReadAsync(Content, full, default), full);
    }

    [Fact]
    public async Task A_delta_past_the_limit_is_written_as_a_full_table()
    {
        var full = await WriteFullAsync();
        var changed = Enumerable.Range(0, Rows).Where(i => i % 4 != 0).Select(i => Row(Name(i), "v2", DatumState.Success)).ToArray();

        var table = await DatumTable.WriteAsync(Content, changed.Length, i => changed[i], Carried(full, Rows - changed.Length, [.. changed.Select(r => Name(r))]), default);

        Assert.Equal([table], await DatumTable.ObjectsAsync(Content, table, default));
        Assert.Equal(
            Enumerable.Range(0, Rows).Select(i => i % 4 != 0 ? Row(Name(i), "v2", DatumState.Success) : Row(Name(i), "v1", DatumState.Skipped)),
            await DatumTable.ReadAsync(Content, table, default));
    }

    [Fact]
    public async Task A_table_that_is_not_one_is_reported_as_corrupt()
    {
        var junk = await Content.WriteAsync(Encoding.UTF8.GetBytes("pipebuild-datums-delta-v1\n"), default);
        Assert.Equal(ErrorCodes.Corrupt, (await Assert.ThrowsAsync<PipeException>(() => DatumTable.ReadAsync(Content, junk, default))).Code);
    }

    public void Dispose() => fx.Dispose();

    private static string Name(int i) => $"f{i:D5}";

    private static string Name(JobDatum row) => row.Description["in:/".Length..];

    [Fact]
    public async Task A_job_names_its_table_in_the_json_stores_already_hold()
    {
        var table = await WriteFullAsync();
        var job = new JobInfo { Id = "j", Pipeline = "p", DatumTable = table };

        var json = Encoding.UTF8.GetString(EngineJson.Serialize(job));

        Assert.Contains($"\"datumTable\":{{\"kind\":\"file\",\"size\":{table.Size},\"hash\":\"{table.Hash}\"}}", json, StringComparison.Ordinal);
        // As jobs written before the hash was held as a digest have it: hash before size.
        var older = $"{{\"id\":\"j\",\"pipeline\":\"p\",\"datumTable\":{{\"kind\":\"file\",\"hash\":\"{table.Hash}\",\"size\":{table.Size}}}}}";
        var read = EngineJson.Deserialize<JobInfo>(Encoding.UTF8.GetBytes(older));
        Assert.Equal(table, read.DatumTable);
        Assert.Equal(Rows, (await DatumTable.ReadAsync(Content, read.DatumTable!.Value, default)).Count);
    }

    private static string Hash(string text) => ContentHash.Of(Encoding.UTF8.GetBytes(text));

    private static JobDatum Row(string name, string version, DatumState state) =>
        new(Hash(name), $"in:/{name}", Hash(name + version), state, Hash("log " + name + version));

    private static DatumTable.CarriedRows Carried(FileContent previous, int count, params string[] replanned) =>
        new(previous, [.. replanned.Select(Hash)], count);

    /// <summary>The rows without descriptions read the same as the whole rows, in any order.</summary>
    private async Task AssertKeysAsync(IEnumerable<JobDatum> expected, FileContent table)
    {
        var keys = await DatumTable.ReadKeysAsync(Content, table, default);
        Assert.Equal(
            expected.Select(r => (r.Id, r.Hash, r.State, r.LogHash)).Order(),
            keys.Select(k => (k.Id.ToString(), k.Hash.ToString(), k.State, k.Log?.ToString())).Order());
    }

    private async Task<FileContent> WriteFullAsync() =>
        await DatumTable.WriteAsync(Content, Rows, i => Row(Name(i), "v1", DatumState.Success), null, default);
}
