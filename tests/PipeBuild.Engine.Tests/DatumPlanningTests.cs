using PipeBuild.Core.Pipelines;

namespace PipeBuild.Engine.Tests;

/// <summary>Glob, cross, union, join and group on Pachyderm's documented cases.</summary>
public sealed class DatumPlanningTests : IDisposable
{
    private readonly EngineFixture fx = new();

    [Theory]
    [InlineData("/", 1)]
    [InlineData("/*", 3)]
    [InlineData("/dir/*", 2)]
    [InlineData("/*/*", 2)]
    [InlineData("/**", 5)]
    [InlineData("/*.csv", 1)]
    public async Task Glob_makes_one_datum_per_match(string glob, int datums)
    {
        await fx.PutAsync("r", new Dictionary<string, string> { ["a.csv"] = "1", ["b.txt"] = "2", ["dir/c"] = "3", ["dir/d"] = "4" });
        Assert.Equal(datums, (await PlanAsync(new PfsInput("r", glob))).Count);
    }

    [Fact]
    public async Task Cross_multiplies_and_union_concatenates()
    {
        await fx.PutAsync("parameters", new Dictionary<string, string> { ["c/0"] = "0.1", ["c/1"] = "1", ["c/2"] = "10", ["g/0"] = "0.01", ["g/1"] = "0.1" });
        var cross = await PlanAsync(new CrossInput([new PfsInput("parameters", "/c/*", Name: "c"), new PfsInput("parameters", "/g/*", Name: "g")]));
        Assert.Equal(6, cross.Count);
        Assert.All(cross, d => Assert.Equal(["c", "g"], d.Inputs.Select(i => i.Name)));
        Assert.Equal(6, cross.Select(d => d.Id).Distinct().Count());

        var union = await PlanAsync(new UnionInput([new PfsInput("parameters", "/c/*", Name: "c"), new PfsInput("parameters", "/g/*", Name: "g")]));
        Assert.Equal(5, union.Count);
    }

    [Fact]
    public async Task Join_pairs_files_with_equal_keys_and_group_gathers_them()
    {
        await fx.PutAsync("readings", new Dictionary<string, string> { ["1.csv"] = "r1", ["2.csv"] = "r2", ["3.csv"] = "r3" });
        await fx.PutAsync("labels", new Dictionary<string, string> { ["1.txt"] = "l1", ["2.txt"] = "l2", ["4.txt"] = "l4" });
        var join = await PlanAsync(new JoinInput([new PfsInput("readings", "/(*).csv") { JoinOn = "$1" }, new PfsInput("labels", "/(*).txt") { JoinOn = "$1" }]));
        Assert.Equal(["1.csv+1.txt", "2.csv+2.txt"], join.Select(d => string.Join('+', d.Inputs.Select(i => i.MatchedPath))).Order());

        var outer = await PlanAsync(new JoinInput([new PfsInput("readings", "/(*).csv") { JoinOn = "$1", OuterJoin = true }, new PfsInput("labels", "/(*).txt") { JoinOn = "$1" }]));
        Assert.Equal(3, outer.Count);

        // No JoinOn: every file has the empty key, so all of them join (Pachyderm's worker does the same).
        var keyless = await PlanAsync(new JoinInput([new PfsInput("readings", "/*.csv"), new PfsInput("labels", "/[14].txt")]));
        Assert.Equal(["1.csv+1.txt", "1.csv+4.txt", "2.csv+1.txt", "2.csv+4.txt", "3.csv+1.txt", "3.csv+4.txt"], keyless.Select(d => string.Join('+', d.Inputs.Select(i => i.MatchedPath))).Order());

        await fx.PutAsync("logs", new Dictionary<string, string> { ["a-1.log"] = "", ["b-1.log"] = "", ["a-2.log"] = "" });
        var group = await PlanAsync(new GroupInput([new PfsInput("logs", "/*-(*).log") { GroupBy = "$1" }]));
        Assert.Equal([2, 1], group.Select(d => d.Inputs.Count));
    }

    public void Dispose() => fx.Dispose();

    private async Task<IReadOnlyList<Datum>> PlanAsync(PipelineInput input)
    {
        var commits = new Dictionary<string, PipeBuild.Store.CommitInfo>();
        foreach (var leaf in input.Leaves())
        {
            commits[leaf.InputName] = await fx.Store.ResolveAsync(PipeBuild.Core.CommitRef.Parse($"{leaf.Repo}@master"), default);
        }

        return await new DatumPlanner(fx.Store).PlanAsync(input, commits, default);
    }
}
