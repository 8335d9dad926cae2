using PipeBuild.Core.Pipelines;

namespace PipeBuild.Engine.Tests;

/// <summary>
/// Pachyderm's <c>pfs.empty_files</c>: the transform sees the input's files by name with no bytes, and a link to one
/// in <c>/pfs/out</c> is the file itself (Pachyderm's shuffle pipelines).
/// </summary>
public sealed class EmptyFilesTests : IDisposable
{
    private const string ListAndLink =
        "cd /pfs/names && find . -type f | sort | while read f; do echo \"$f $(wc -c < \"$f\" | tr -d ' ')\"; done > /pfs/out/list; "
        + "cat /pfs/conf/c.txt >> /pfs/out/list; mkdir /pfs/out/by-name; ln -s /pfs/names/a.txt /pfs/out/by-name/a.txt";

    private readonly EngineFixture fx = new();

    [Fact]
    public async Task The_transform_sees_names_without_bytes_only_for_that_input_and_a_link_to_one_is_its_content()
    {
        await fx.PutAsync("data", new Dictionary<string, string> { ["a.txt"] = "alpha", ["dir/b.txt"] = "beta" });
        await fx.PutAsync("conf", new Dictionary<string, string> { ["c.txt"] = "gamma\n" });
        await fx.CreateAsync(EngineFixture.Shell("shuffle", ListAndLink, new CrossInput([new PfsInput("data", "/", Name: "names") { EmptyFiles = true }, new PfsInput("conf", "/")])));

        var job = await fx.RunOneAsync("shuffle");

        Assert.Equal(JobState.Success, job.State);
        Assert.Equal(6, job.BytesDownloaded); // conf's file only
        var output = await fx.ReadAsync("shuffle");
        Assert.Equal("./a.txt 0\n./dir/b.txt 0\ngamma\n", output["list"]);
        Assert.Equal("alpha", output["by-name/a.txt"]);

        // The content is still part of the datum: a link to the file must follow it.
        await fx.PutAsync("data", new Dictionary<string, string> { ["a.txt"] = "ALPHA" });
        var again = await fx.RunOneAsync("shuffle");

        Assert.Equal((JobState.Success, 1), (again.State, again.DatumsProcessed));
        Assert.Equal("ALPHA", (await fx.ReadAsync("shuffle"))["by-name/a.txt"]);
    }

    [Fact]
    public async Task Setting_empty_files_reruns_the_datums_and_unsetting_it_reuses_the_earlier_results()
    {
        await fx.PutAsync("data", new Dictionary<string, string> { ["a.txt"] = "alpha" });
        var spec = EngineFixture.Shell("sizes", "wc -c < /pfs/data/a.txt | tr -d ' ' > /pfs/out/size", new PfsInput("data", "/*"));
        await fx.CreateAsync(spec);
        Assert.Equal("5\n", (await fx.ReadAsync(await Run("sizes")))["size"]);

        await fx.CreateAsync(spec with { Input = new PfsInput("data", "/*") { EmptyFiles = true } }, Reprocess.Changed, update: true);
        Assert.Equal("0\n", (await fx.ReadAsync(await Run("sizes")))["size"]);

        await fx.CreateAsync(spec, Reprocess.Changed, update: true);
        var job = await fx.RunOneAsync("sizes");
        Assert.Equal((JobState.Success, 0, 1), (job.State, job.DatumsProcessed, job.DatumsSkipped));
        Assert.Equal("5\n", (await fx.ReadAsync("sizes"))["size"]);
    }

    private async Task<string> Run(string pipeline)
    {
        var job = await fx.RunOneAsync(pipeline);
        Assert.Equal(JobState.Success, job.State);
        return pipeline;
    }

    public void Dispose() => fx.Dispose();
}
