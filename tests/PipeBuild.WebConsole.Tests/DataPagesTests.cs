using System.Net;
using PipeBuild.Core.Pipelines;
using PipeBuild.Engine;

namespace PipeBuild.WebConsole.Tests;

/// <summary>The data pages: history with provenance, files as text, tables and images, downloads, line diffs, and addresses that try to leave the store.</summary>
public sealed class DataPagesTests
{
    private const string Hostile = "<img src=x onerror=alert(1)>.csv";
    private const string First = "RM,LSTAT,MEDV\n6.575,4.98,504000\n6.421,9.14,453600\n";
    private const string Second = "RM,LSTAT,test_feature,MEDV\n6.575,4.98,504000,504000\n6.421,9.14,453600,453600\n";

    // The 8-byte signature and IHDR of a PNG file: enough for a browser to know it as one.
    private static readonly byte[] Png = Convert.FromHexString("89504E470D0A1A0A0000000D49484452000000010000000108060000001F15C489");

    [SkippableFact]
    public async Task A_user_follows_a_csv_through_its_commits_and_sees_the_changed_lines()
    {
        ConsoleSession.RequireBrowser();
        await using var console = await ConsoleSession.StartAsync(prepare: Housing);
        var page = await console.OpenAsync("/");

        await page.Locator("header nav a", new() { HasText = "Data" }).ClickAsync();
        await page.Locator("tr[data-repo='csv_data'] td a").First.ClickAsync();
        await ConsoleSession.ArrivedAsync(page, "**/repos/csv_data");
        Assert.Equal(2, await page.Locator("table.commits tbody tr").CountAsync());
        await page.Locator("table.commits tbody tr").First.Locator("a").First.ClickAsync();
        await page.Locator("table.changes a.lines").ClickAsync();

        await ConsoleSession.ArrivedAsync(page, "**/diff/housing.csv");
        Assert.Equal(["-RM,LSTAT,MEDV", "-6.575,4.98,504000", "-6.421,9.14,453600"], await page.Locator("table.diff tr.del td code").AllInnerTextsAsync());
        Assert.Equal("+RM,LSTAT,test_feature,MEDV", await page.Locator("table.diff tr.add td code").First.InnerTextAsync());
        await ConsoleSession.ScreenshotAsync(page, "diff");

        await page.GoBackAsync();
        await page.Locator("a", new() { HasText = "Browse its files" }).ClickAsync();
        await page.Locator("table.files a", new() { HasText = "housing.csv" }).ClickAsync();
        Assert.Equal(["RM", "LSTAT", "test_feature", "MEDV"], await page.Locator("table.csv th").AllInnerTextsAsync());
        Assert.Equal(2, await page.Locator("table.csv tbody tr").CountAsync());
        await ConsoleSession.ScreenshotAsync(page, "file-csv");
    }

    [SkippableFact]
    public async Task An_output_file_leads_back_to_the_input_commit_it_was_made_from_and_forward_again()
    {
        ConsoleSession.RequireBrowser();
        await using var console = await ConsoleSession.StartAsync(prepare: Housing);
        var csv = await console.Fx.Store.ResolveAsync(Core.CommitRef.Parse("csv_data@master"), default);
        var page = await console.OpenAsync("/repos/copy/commits/master/files/housing.csv");

        await page.Locator("a.upstream").ClickAsync();

        var origin = page.Locator("ul.lineage li[data-repo='csv_data']");
        Assert.Contains("put by a user", await origin.InnerTextAsync());
        Assert.Contains("written by copy", await page.Locator("ul.lineage > li > span.how").InnerTextAsync());
        await ConsoleSession.ScreenshotAsync(page, "lineage");
        await origin.Locator("a").First.ClickAsync();
        await ConsoleSession.ArrivedAsync(page, $"**/repos/csv_data/commits/{csv.Id}/files/housing.csv");
        Assert.Contains("test_feature", await page.Locator("table.csv").InnerTextAsync());

        await page.Locator("a.downstream").ClickAsync();
        Assert.Contains("built by copy", await page.Locator("ul.lineage li[data-repo='copy']").InnerTextAsync());
    }

    [Fact]
    public async Task An_output_commit_names_the_input_commits_it_came_from()
    {
        await using var console = await ConsoleSession.StartAsync(prepare: Housing);
        using var http = new HttpClient();
        var head = await console.Fx.Store.ResolveAsync(Core.CommitRef.Parse("csv_data@master"), default);

        var history = await http.GetStringAsync(new Uri(console.Address, "/repos/copy"));

        Assert.Contains($"/repos/csv_data/commits/{head.Id}", history); // provenance links to the csv commit
        Assert.Contains("pipeline <a href=\"/pipelines/copy\">copy</a>", history);
    }

    [Fact]
    public async Task Files_download_as_they_are_and_images_show_inline_in_a_sandbox()
    {
        await using var console = await ConsoleSession.StartAsync(prepare: async fx =>
        {
            await fx.PutAsync("csv_data", new Dictionary<string, string> { ["housing.csv"] = First, [Hostile] = "a,b\n1,2\n" });
            await fx.Store.WriteAsync(Core.CommitRef.Parse("csv_data@master"), null, async (editor, ct) =>
            {
                await editor.SetFileAsync("plots/pair.png", await fx.Store.Content.WriteAsync(Png, ct), ct);
                await editor.SetFileAsync("model.bin", await fx.Store.Content.WriteAsync(new byte[] { 1, 0, 2, 0 }, ct), ct);
            }, default);
        });
        using var http = new HttpClient();

        var download = await http.GetAsync(new Uri(console.Address, "/repos/csv_data/commits/master/raw/housing.csv"));
        Assert.Equal(First, await download.Content.ReadAsStringAsync());
        Assert.Equal("attachment", download.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("application/octet-stream", download.Content.Headers.ContentType?.MediaType);
        Assert.Contains("sandbox", download.Headers.GetValues("Content-Security-Policy").Single());

        var listing = await http.GetStringAsync(new Uri(console.Address, "/repos/csv_data/commits/master/files/"));
        Assert.Contains("&lt;img src=x onerror=alert(1)&gt;.csv", listing);
        Assert.DoesNotContain("<img src=x", listing);

        var picture = await http.GetStringAsync(new Uri(console.Address, "/repos/csv_data/commits/master/files/plots/pair.png"));
        Assert.Contains("<img class=\"file\" alt=\"pair.png\" src=\"/repos/csv_data/commits/", picture);
        var image = await http.GetAsync(new Uri(console.Address, "/repos/csv_data/commits/master/raw/plots/pair.png?inline=1"));
        Assert.Equal("image/png", image.Content.Headers.ContentType?.MediaType);
        Assert.Equal(Png, await image.Content.ReadAsByteArrayAsync());

        Assert.Contains("A binary file", await http.GetStringAsync(new Uri(console.Address, "/repos/csv_data/commits/master/files/model.bin")));
    }

    [Theory]
    [InlineData("/repos/csv_data/commits/master/files/..%2F..%2Fetc%2Fpasswd")]
    [InlineData("/repos/csv_data/commits/master/raw/..%2F..%2F.pipe%2Fconfig.json")]
    [InlineData("/repos/csv_data/commits/master/raw/%2Fetc%2Fpasswd")]
    [InlineData("/repos/..%2F..%2Fetc/commits/master/files/passwd")]
    [InlineData("/repos/csv_data/commits/..%2F..%2Fetc/files/passwd")]
    [InlineData("/repos/csv_data/commits/master/diff/nothing-here.csv")]
    [InlineData("/repos/csv_data/commits/master/raw/")]
    public async Task An_address_outside_the_store_or_of_nothing_is_not_found(string path)
    {
        await using var console = await ConsoleSession.StartAsync(prepare: Housing);
        using var http = new HttpClient();

        var response = await http.GetAsync(new Uri(console.Address, path));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain("root:", await response.Content.ReadAsStringAsync());
    }

    private static async Task Housing(EngineFixture fx)
    {
        await ConsoleSession.CopyPipelineAsync(fx, "csv_data", new Dictionary<string, string> { ["housing.csv"] = First });
        await fx.RunOneAsync("copy");
        await fx.PutAsync("csv_data", new Dictionary<string, string> { ["housing.csv"] = Second });
        Assert.Equal(JobState.Success, (await fx.RunOneAsync("copy")).State);
    }
}
