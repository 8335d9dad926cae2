using PipeBuild.Core;
using PipeBuild.Core.Pipelines;
using PipeBuild.Engine;
using PipeBuild.Testing;

namespace PipeBuild.Engine.Tests;

/// <summary>Per-file lineage over two pipelines: a csv split into parts, each part counted.</summary>
public sealed class FileLineageTests : IDisposable
{
    private readonly EngineFixture fx = new();

    [Fact]
    public async Task An_output_file_leads_back_through_the_datums_that_wrote_it_to_the_file_a_user_put()
    {
        var csv = await SplitAndCountAsync();
        var count = await fx.Store.ResolveAsync(CommitRef.Parse("count@master"), default);

        var root = await new FileLineage(fx.Store, fx.Engine).UpstreamAsync("count", count.Id, "/part-ab.count", default);

        Assert.Equal(("count", count.Id, "part-ab.count", "count", "split:/part-ab"), (root.Repo, root.Commit, root.Path, root.Pipeline, root.DatumInputs));
        var part = Assert.Single(root.Links);
        Assert.Equal(("split", "part-ab", "split", "csv:/"), (part.Repo, part.Path, part.Pipeline, part.DatumInputs));
        var origin = Assert.Single(part.Links);
        Assert.Equal(("csv", csv.Id, "h.csv", null), (origin.Repo, origin.Commit, origin.Path, origin.Pipeline)); // put by a user
        Assert.Empty(origin.Links);
        var job = Assert.Single(await fx.Engine.Jobs.ListAsync("count", default));
        Assert.Equal(job.Id, root.Job);
        Assert.Contains(await fx.Engine.Jobs.GetDatumsAsync(job, default), d => d.Id == root.Datum && d.Description == "split:/part-ab");
    }

    [Fact]
    public async Task An_input_file_leads_to_every_file_built_from_it()
    {
        var csv = await SplitAndCountAsync();

        var root = await new FileLineage(fx.Store, fx.Engine).DownstreamAsync("csv", csv.Id, "h.csv", default);

        Assert.Equal(["part-aa", "part-ab", "part-ac"], root.Links.Select(l => l.Path).Order());
        Assert.All(root.Links, part => Assert.Equal(("split", "split"), (part.Repo, part.Pipeline)));
        Assert.Equal(["part-aa.count", "part-ab.count", "part-ac.count"], root.Links.SelectMany(l => l.Links).Select(l => l.Path).Order());
    }

    [Fact]
    public void A_datum_row_names_its_inputs_matched_paths_even_where_a_path_holds_a_comma()
    {
        Assert.Equal([("a", "x, y.csv"), ("b", "z")], Row("a:/x, y.csv, b:/z").MatchedPaths(["a", "b"]));
        Assert.Equal([("left", "2024/x.csv"), ("right", "")], Row("left:/2024/x.csv, right:/").MatchedPaths(["left", "right"]));
    }

    public void Dispose() => fx.Dispose();

    private static JobDatum Row(string description) => new("id", description, "hash", DatumState.Success);

    private async Task<Store.CommitInfo> SplitAndCountAsync()
    {
        var csv = await fx.PutAsync("csv", new Dictionary<string, string> { ["h.csv"] = "a\nb\nc\n" });
        await fx.CreateAsync(EngineFixture.Shell("split", "split -l 1 /pfs/csv/h.csv /pfs/out/part-", new PfsInput("csv", "/")));
        await fx.CreateAsync(EngineFixture.Shell("count", "wc -l < \"$split\" > /pfs/out/$(basename \"$split\").count", new PfsInput("split", "/*")));
        await fx.Engine.RunAsync([], force: false, null, default);
        return csv;
    }
}
