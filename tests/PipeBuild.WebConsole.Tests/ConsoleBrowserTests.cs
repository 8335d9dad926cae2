using Microsoft.Playwright;
using PipeBuild.Core.Pipelines;
using PipeBuild.Engine;

namespace PipeBuild.WebConsole.Tests;

/// <summary>What a user does in the console, in a real browser: read the graph, open a pipeline, find a failed datum's log, watch a run from elsewhere.</summary>
public sealed class ConsoleBrowserTests
{
    [SkippableFact]
    public async Task The_graph_draws_each_pipeline_in_its_state_and_a_click_opens_it()
    {
        ConsoleSession.RequireBrowser();
        await using var console = await ConsoleSession.StartAsync(prepare: async fx =>
        {
            await fx.PutAsync("data", new Dictionary<string, string> { ["a.txt"] = "alpha\n", ["b.txt"] = "beta\n" });
            await fx.CreateAsync(EngineFixture.Shell("upper", "tr a-z A-Z < \"$data\" > /pfs/out/$(basename \"$data\")", new PfsInput("data", "/*")));
            await fx.CreateAsync(EngineFixture.Shell("count", "cat /pfs/upper/* | wc -l > /pfs/out/count", new PfsInput("upper", "/")));
            await fx.Store.CreateRepoAsync("empty", null, default);
            await fx.CreateAsync(EngineFixture.Shell("idle", "true", new PfsInput("empty", "/*")));
            await fx.RunOneAsync("upper");
            await fx.RunOneAsync("count");
            await fx.PutAsync("data", new Dictionary<string, string> { ["c.txt"] = "gamma\n" }); // upper is out of date again
        });

        var page = await console.OpenAsync("/");

        Assert.Contains("out-of-date", await Node(page, "upper").GetAttributeAsync("class"));
        Assert.Contains("waiting", await Node(page, "idle").GetAttributeAsync("class"));
        Assert.Equal(1, await page.Locator("svg.dag g.node.repo[data-name='data']").CountAsync());
        Assert.Equal(3, await page.Locator("svg.dag path.edge").CountAsync()); // data → upper → count, empty → idle
        Assert.Contains("input data@master is at", await page.Locator("tr[data-pipeline='upper'] td.why").InnerTextAsync()); // the staleness chain's reason
        Assert.Contains("1 datum(s) new, 0 changed, 0 removed, 2 reused", await page.Locator("tr[data-pipeline='upper'] td.why").InnerTextAsync());
        await ConsoleSession.ScreenshotAsync(page, "graph");

        await Node(page, "upper").ClickAsync();
        await ConsoleSession.ArrivedAsync(page, "**/pipelines/upper");
        Assert.Contains("upper", await page.Locator("h1").InnerTextAsync());
        Assert.Contains("tr a-z A-Z", await page.Locator("table.fields").InnerTextAsync());
        Assert.Equal((await console.Fx.Engine.Jobs.ListAsync("upper", default)).Count, await page.Locator("table.jobs tbody tr").CountAsync());
    }

    [SkippableFact]
    public async Task A_failed_job_shows_its_failed_datum_first_with_its_log_as_text()
    {
        ConsoleSession.RequireBrowser();
        const string hostile = "<img src=x onerror=alert(1)>.csv";
        await using var console = await ConsoleSession.StartAsync(prepare: async fx =>
        {
            await fx.PutAsync("data", new Dictionary<string, string> { ["good.txt"] = "fine\n", [hostile] = "bad\n", ["more.txt"] = "fine\n" });
            await fx.CreateAsync(EngineFixture.Shell(
                "check",
                """if grep -q bad "$data"; then echo "<script>alert('log')</script> refused $(basename "$data")"; exit 3; fi; cp "$data" /pfs/out/""",
                new PfsInput("data", "/*")));
            Assert.Equal(JobState.Failure, (await fx.RunOneAsync("check")).State);
        });
        var page = await console.OpenAsync("/");
        var dialogs = new List<string>();
        page.Dialog += async (_, dialog) =>
        {
            dialogs.Add(dialog.Message);
            await dialog.DismissAsync(); // an open dialog would stop the page: let the assertion below say why
        };

        Assert.Contains("failed", await Node(page, "check").GetAttributeAsync("class"));
        await Node(page, "check").ClickAsync();
        await page.Locator("table.jobs tbody tr a").First.ClickAsync();
        await ConsoleSession.ArrivedAsync(page, "**/jobs/*");

        var failure = page.Locator("details.failure").First;
        Assert.NotNull(await failure.GetAttributeAsync("open")); // the failed datum's log is open
        Assert.Contains($"<script>alert('log')</script> refused {hostile}", await failure.Locator("pre.log").InnerTextAsync());
        Assert.Contains("datum-failed", await page.Locator("table.datums tbody tr").First.GetAttributeAsync("class")); // failed first
        Assert.Contains(hostile, await page.Locator("table.datums tbody tr").First.InnerTextAsync());
        Assert.Equal(0, await page.Locator("main script, main img").CountAsync()); // names and logs stayed text
        await ConsoleSession.ScreenshotAsync(page, "job-failed");
        await page.Locator("table.datums tbody tr a").First.ClickAsync();
        await ConsoleSession.ArrivedAsync(page, "**/datums/*");
        Assert.Contains("exit", (await page.Locator("p.reason").InnerTextAsync()).ToLowerInvariant());
        Assert.Empty(dialogs); // no script of the store's ran
    }

    [SkippableFact]
    public async Task The_page_follows_a_run_started_elsewhere_without_reloading()
    {
        ConsoleSession.RequireBrowser();
        await using var console = await ConsoleSession.StartAsync(prepare: fx => ConsoleSession.CopyPipelineAsync(fx));
        var page = await console.OpenAsync("/");
        await page.EvaluateAsync("window.marker = 42");
        await page.WaitForSelectorAsync("html[data-live='true']"); // listening: what happens from now on is seen
        Assert.Contains("out-of-date", await Node(page, "copy").GetAttributeAsync("class"));

        Assert.Equal(JobState.Success, (await console.Fx.RunOneAsync("copy")).State); // as `dotnet pipe run` in another shell

        await page.WaitForSelectorAsync("svg.dag a.node.up-to-date[data-name='copy']");
        Assert.Equal(42, await page.EvaluateAsync<int>("window.marker")); // the same page: no reload
        Assert.True(int.Parse(await page.Locator("html").GetAttributeAsync("data-refreshes") ?? "0") >= 1);
    }

    [SkippableFact]
    public async Task Run_from_a_pipelines_page_asks_first_then_runs_it()
    {
        ConsoleSession.RequireBrowser();
        await using var console = await ConsoleSession.StartAsync(prepare: fx => ConsoleSession.CopyPipelineAsync(fx));
        var page = await console.OpenAsync("/pipelines/copy");
        var asked = new List<string>();
        page.Dialog += async (_, dialog) =>
        {
            asked.Add(dialog.Message);
            await (asked.Count == 1 ? dialog.DismissAsync() : dialog.AcceptAsync()); // no, then yes
        };

        await page.Locator("form.run button").ClickAsync();
        Assert.Empty(await console.Fx.Engine.Jobs.ListAsync("copy", default)); // dismissed: nothing ran

        await page.Locator("form.run button").ClickAsync();
        await page.WaitForSelectorAsync("table.jobs .badge.job-success");
        Assert.Equal(["Bring pipeline copy up to date now?", "Bring pipeline copy up to date now?"], asked);
        Assert.Equal("alpha\n", (await console.Fx.ReadAsync("copy"))["a.txt"]);
        await ConsoleSession.ScreenshotAsync(page, "pipeline");
    }

    [SkippableFact]
    public async Task A_running_job_is_killed_from_its_page()
    {
        ConsoleSession.RequireBrowser();
        await using var console = await ConsoleSession.StartAsync(prepare: async fx =>
        {
            await fx.PutAsync("data", new Dictionary<string, string> { ["a.txt"] = "alpha\n" });
            await fx.CreateAsync(EngineFixture.Shell("slow", "sleep 300", new PfsInput("data", "/*")));
        });
        var run = console.Fx.Engine.RunAsync(["slow"], force: false, null, default); // `dotnet pipe run` in another shell
        var job = await RunningJobAsync(console, "slow", run);
        var page = await console.OpenAsync($"/jobs/{job.Id}");
        page.Dialog += async (_, dialog) => await dialog.AcceptAsync();

        await page.Locator("form.kill button").ClickAsync();

        await page.WaitForSelectorAsync("h1 .badge.job-killed");
        var killed = Assert.Single(await run);
        Assert.Equal(JobState.Killed, killed.State); // the run that owned it stopped
        Assert.Equal("killed by the web console; the previous output is unchanged", killed.Reason);
        Assert.Equal(1, await page.Locator("form.restart").CountAsync()); // an ended job can be run again
        await ConsoleSession.ScreenshotAsync(page, "job-killed");
    }

    private static async Task<JobInfo> RunningJobAsync(ConsoleSession console, string pipeline, Task running)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            if ((await console.Fx.Engine.Jobs.ListAsync(pipeline, default)).FirstOrDefault(j => j.State == JobState.Running) is { } job)
            {
                return job;
            }

            Assert.False(running.IsCompleted, "the run ended before its job was seen running");
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), "no job started");
            await Task.Delay(100);
        }
    }

    private static ILocator Node(IPage page, string pipeline) => page.Locator($"svg.dag a.node.pipeline[data-name='{pipeline}']");
}
