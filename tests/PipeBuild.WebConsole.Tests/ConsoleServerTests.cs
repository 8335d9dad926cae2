using System.Net;
using System.Net.Http.Headers;
using PipeBuild.Core;
using PipeBuild.Core.Pipelines;
using PipeBuild.Engine;

namespace PipeBuild.WebConsole.Tests;

/// <summary>The console as a server: who may ask it, what it refuses, and what a big job's page sends.</summary>
public sealed class ConsoleServerTests
{
    [Fact]
    public async Task A_console_on_another_address_than_loopback_needs_its_token()
    {
        await using var console = await ConsoleSession.StartAsync(new ConsoleOptions { Urls = ["http://0.0.0.0:0"] });
        var token = Assert.IsType<string>(console.Server.Token);
        Assert.Contains($"?token={token}", console.Server.StartUri.ToString());
        using var http = Client();
        var page = $"http://127.0.0.1:{console.Address.Port}/";

        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync(page)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync(page + "?token=wrong")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync(page + "events")).StatusCode);

        var opened = await http.GetAsync(page + $"?token={token}");
        Assert.Equal(HttpStatusCode.OK, opened.StatusCode);
        var cookie = Assert.Single(opened.Headers.GetValues("Set-Cookie"));
        Assert.Contains("httponly", cookie.ToLowerInvariant());
        Assert.Contains("samesite=strict", cookie.ToLowerInvariant());

        using var withCookie = new HttpRequestMessage(HttpMethod.Get, page + "dag.svg");
        withCookie.Headers.Add("Cookie", cookie.Split(';')[0]);
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(withCookie)).StatusCode);
        using var withBearer = new HttpRequestMessage(HttpMethod.Get, page);
        withBearer.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(withBearer)).StatusCode);
    }

    [Fact]
    public async Task On_loopback_no_token_is_needed_and_one_that_is_given_is_still_required()
    {
        await using (var open = await ConsoleSession.StartAsync())
        {
            Assert.Null(open.Server.Token);
            using var http = Client();
            var response = await http.GetAsync(open.Address);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("script-src 'self'", response.Headers.GetValues("Content-Security-Policy").Single()); // no inline script runs
            Assert.Contains("No pipelines yet", await response.Content.ReadAsStringAsync());
        }

        await using var guarded = await ConsoleSession.StartAsync(new ConsoleOptions { Urls = ["http://127.0.0.1:0"], Token = "s3cret" });
        using var client = Client();
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync(guarded.Address)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri(guarded.Address, "/?token=s3cret"))).StatusCode);
    }

    [Theory]
    [InlineData("/pipelines/..%2F..%2Fetc%2Fpasswd")]
    [InlineData("/pipelines/%2Fetc%2Fpasswd")]
    [InlineData("/jobs/..%2F..%2F.pipe%2Fconfig.json")]
    [InlineData("/jobs/%2Fetc%2Fpasswd")]
    [InlineData("/jobs/0123/datums/..%2F..%2Fetc")]
    public async Task A_name_that_is_not_a_pipeline_or_job_is_a_not_found_page(string path)
    {
        await using var console = await ConsoleSession.StartAsync();
        using var http = Client();

        var response = await http.GetAsync(new Uri(console.Address, path));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("Not found", body);
        Assert.DoesNotContain("root:", body);
    }

    [Fact]
    public async Task A_page_is_not_an_action()
    {
        await using var console = await ConsoleSession.StartAsync();
        using var http = Client();

        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await http.PostAsync(console.Address, new StringContent(""))).StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await http.PostAsync(new Uri(console.Address, "/pipelines/x"), new StringContent(""))).StatusCode);
    }

    [Fact]
    public async Task An_action_without_the_pages_token_or_by_get_is_refused_and_runs_nothing()
    {
        await using var console = await ConsoleSession.StartAsync(prepare: fx => ConsoleSession.CopyPipelineAsync(fx));
        using var http = Client();

        var forged = await http.PostAsync(new Uri(console.Address, "/pipelines/copy/run"), new FormUrlEncodedContent([]));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Contains("anti-forgery", await forged.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await http.GetAsync(new Uri(console.Address, "/pipelines/copy/run"))).StatusCode);

        await Task.Delay(500); // were a run started anyway, its job would be recorded by now
        Assert.Empty(await console.Fx.Engine.Jobs.ListAsync("copy", default));
    }

    [Fact]
    public async Task A_read_only_console_shows_no_action_and_refuses_one()
    {
        await using var console = await ConsoleSession.StartAsync(new ConsoleOptions { Urls = ["http://127.0.0.1:0"], ReadOnly = true }, fx => ConsoleSession.CopyPipelineAsync(fx));
        using var http = Client();

        var page = await http.GetStringAsync(new Uri(console.Address, "/pipelines/copy"));
        Assert.DoesNotContain("<form", page);
        Assert.Contains("read-only", page);
        Assert.Equal(HttpStatusCode.Forbidden, (await http.PostAsync(new Uri(console.Address, "/pipelines/copy/run"), new FormUrlEncodedContent([]))).StatusCode);
        Assert.Empty(await console.Fx.Engine.Jobs.ListAsync("copy", default));
    }

    [Fact]
    public async Task A_change_made_after_a_page_was_served_but_before_it_listened_is_sent_at_once()
    {
        await using var console = await ConsoleSession.StartAsync(prepare: fx => ConsoleSession.CopyPipelineAsync(fx));
        using var http = Client();
        var page = await http.GetStringAsync(console.Address);
        var version = System.Text.RegularExpressions.Regex.Match(page, "name=\"pipe-version\" content=\"([0-9a-f]+)\"").Groups[1].Value;
        Assert.NotEmpty(version);

        await console.Fx.RunOneAsync("copy"); // between serving the page and its script connecting

        using var events = await http.GetStreamAsync(new Uri(console.Address, $"/events?since={version}"));
        using var reader = new StreamReader(events);
        var lines = new List<string>();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (await reader.ReadLineAsync(limit.Token) is { } line && line != "event: change")
        {
            lines.Add(line);
        }

        Assert.False(limit.IsCancellationRequested, $"no change event; got: {string.Join(" | ", lines)}");
    }

    [Fact]
    public async Task An_address_in_use_or_not_an_address_is_PIPE1010()
    {
        await using var first = await ConsoleSession.StartAsync();

        var taken = await Assert.ThrowsAsync<PipeException>(() => ConsoleSession.StartAsync(new ConsoleOptions { Urls = [first.Address.ToString()] }));
        Assert.Equal(ErrorCodes.ConsoleCannotListen, taken.Code);
        Assert.Contains(first.Address.ToString().TrimEnd('/'), taken.Message);

        var invalid = await Assert.ThrowsAsync<PipeException>(() => ConsoleSession.StartAsync(new ConsoleOptions { Urls = ["ftp://127.0.0.1:21"] }));
        Assert.Equal(ErrorCodes.ConsoleCannotListen, invalid.Code);
        Assert.Contains("http://HOST:PORT", invalid.Message);
    }

    [Fact]
    public async Task A_big_jobs_datums_come_a_page_at_a_time_failed_first()
    {
        const int datums = 230;
        await using var console = await ConsoleSession.StartAsync(prepare: async fx =>
        {
            var files = Enumerable.Range(0, datums).ToDictionary(i => $"f{i:000}.txt", i => i == 150 ? "bad\n" : "ok\n");
            await fx.PutAsync("data", files);
            await fx.CreateAsync(EngineFixture.Shell("many", "if grep -q bad \"$data\"; then exit 1; fi; cp \"$data\" /pfs/out/", new PfsInput("data", "/*")));
            Assert.Equal(JobState.Failure, (await fx.RunOneAsync("many")).State);
        });
        var job = Assert.Single(await console.Fx.Engine.Jobs.ListAsync("many", default));
        using var http = Client();

        var first = await http.GetStringAsync(new Uri(console.Address, $"/jobs/{job.Id}"));
        Assert.Equal(ConsolePages.DatumsPerPage, Rows(first));
        Assert.Contains("page 1 of 3", first);
        Assert.Contains("rel=\"next\"", first);
        Assert.Contains("datum-failed", first[..first.IndexOf("datum-success", StringComparison.Ordinal)]); // the failed one leads
        Assert.Equal(datums - (2 * ConsolePages.DatumsPerPage), Rows(await http.GetStringAsync(new Uri(console.Address, $"/jobs/{job.Id}?page=3"))));
        var failedOnly = await http.GetStringAsync(new Uri(console.Address, $"/jobs/{job.Id}?state=failed"));
        Assert.Equal(1, Rows(failedOnly));
        Assert.Contains("f150.txt", failedOnly);
    }

    private static int Rows(string html) => html.Split("<tr class=\"datum-").Length - 1;

    private static HttpClient Client() => new(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false });
}
