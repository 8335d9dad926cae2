using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using PipeBuild.Core;
using PipeBuild.Engine;
using PipeBuild.Store;

namespace PipeBuild.WebConsole;

/// <summary>
/// The console's pages, rendered on the server: the graph with every pipeline's state and the staleness chain's
/// reason, a pipeline with its definition and jobs, a job with its failed datums first, a datum's log; and the
/// actions (run a pipeline, restart or kill a job), each a POST with an anti-forgery token that the page confirms
/// first, none with <see cref="ConsoleOptions.ReadOnly"/>. Every value from the store is HTML-escaped
/// (<see cref="H"/>); the page script only swaps in a fresh copy of the page when <c>/events</c> says the store changed.
/// </summary>
internal sealed partial class ConsolePages(VersionStore store, PipelineEngine engine, ConsoleOptions options, BackgroundRuns runs, ChangeFeed feed, IAntiforgery antiforgery)
{
    /// <summary>Datum rows per page of a job: a job of 100,000 datums is never one table.</summary>
    public const int DatumsPerPage = 100;

    /// <summary>Bytes of a log shown in the page; the rest is for <c>dotnet pipe job logs</c>.</summary>
    public const int LogBytesShown = 256 * 1024;

    /// <summary>Datum tables kept in memory, newest first, and the most rows one may have to be kept.</summary>
    private const int CachedTables = 4, CachedRowsLimit = 250_000;

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    private readonly List<(string Key, IReadOnlyList<JobDatum> Rows)> tables = [];

    public void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/", (HttpContext c) => Page(c, "Pipelines", GraphPageAsync));
        app.MapGet("/dag.svg", async (HttpContext c) => Results.Text((await PictureAsync(c.RequestAborted)).ToSvg(NodeLink), "image/svg+xml"));
        app.MapGet("/pipelines/{name}", (HttpContext c, string name) => Page(c, name, ct => PipelinePageAsync(c, name, ct)));
        app.MapGet("/jobs/{id}", (HttpContext c, string id, int? page, string? state) => Page(c, $"job {id}", ct => JobPageAsync(c, id, Math.Max(1, page ?? 1), state, ct)));
        app.MapGet("/jobs/{id}/datums/{datum}", (HttpContext c, string id, string datum) => Page(c, $"datum {datum}", ct => DatumPageAsync(id, datum, ct)));
        app.MapGet("/events", (HttpContext c, string? since) => EventsAsync(c, since));
        MapData(app);
        app.MapPost("/pipelines/{name}/run", (HttpContext c, string name) => ActAsync(c, async ct =>
        {
            var pipeline = await engine.Registry.GetAsync(name, ct);
            runs.Start($"run {pipeline.Name}", token => engine.RunAsync([pipeline.Name], force: false, null, token));
            return PipelineHref(pipeline.Name);
        }));
        app.MapPost("/jobs/{id}/restart", (HttpContext c, string id) => ActAsync(c, async ct =>
        {
            var job = await engine.Jobs.GetAsync(id, ct);
            runs.Start($"restart {job.Pipeline}", token => engine.RunAsync([job.Pipeline], force: true, null, token));
            return PipelineHref(job.Pipeline);
        }));
        app.MapPost("/jobs/{id}/kill", (HttpContext c, string id) => ActAsync(c, async ct =>
        {
            var job = await engine.Jobs.KillAsync(id, "the web console", ct);
            if (options.StopWorkers is { } stop)
            {
                await stop(job, ct);
            }

            return JobLink(job.Id);
        }));
        app.MapGet("/console.js", (HttpContext c) => Asset(c, ConsoleAssets.Script, "text/javascript"));
        app.MapGet("/console.css", (HttpContext c) => Asset(c, ConsoleAssets.Style, "text/css"));
    }

    /// <summary>The page script or style, cached by the browser for a few minutes: a page after the first asks for neither.</summary>
    private static Task Asset(HttpContext context, string text, string type)
    {
        context.Response.Headers.CacheControl = "private, max-age=300";
        return Results.Text(text, type).ExecuteAsync(context);
    }

    /// <summary>Text for HTML: every value that came from the store or the request goes through here.</summary>
    private static string H(string? text) => WebUtility.HtmlEncode(text ?? "");

    private static string PipelineHref(string name) => $"/pipelines/{Uri.EscapeDataString(name)}";

    private static string? NodeLink(GraphNode node) => node.IsPipeline ? PipelineHref(node.Name) : null;

    private static string JobLink(string id) => $"/jobs/{Uri.EscapeDataString(id)}";

    /// <summary>
    /// An action: refused on a read-only console (403) or without the page's anti-forgery token (400); otherwise
    /// done, and the browser sent on to the page it returns (303).
    /// </summary>
    private async Task ActAsync(HttpContext context, Func<CancellationToken, Task<string>> action)
    {
        if (options.ReadOnly)
        {
            await Page(context, "Read-only", _ => Task.FromResult("<h1>Read-only</h1><p class=\"error\">This console was started with --read-only: it shows, it does not act.</p>"), StatusCodes.Status403Forbidden);
            return;
        }

        try
        {
            await antiforgery.ValidateRequestAsync(context);
        }
        catch (AntiforgeryValidationException)
        {
            await Page(context, "Refused", _ => Task.FromResult("<h1>Refused</h1><p class=\"error\">An action needs the form of a console page (its anti-forgery token was missing or wrong). Reload the page and try again.</p>"), StatusCodes.Status400BadRequest);
            return;
        }

        string next;
        try
        {
            next = await action(context.RequestAborted);
        }
        catch (PipeException e)
        {
            await Page(context, "Not found", _ => Task.FromException<string>(e));
            return;
        }

        context.Response.StatusCode = StatusCodes.Status303SeeOther;
        context.Response.Headers.Location = next;
    }

    /// <summary>A button that POSTs to <paramref name="action"/> after the page asks <paramref name="confirm"/>; nothing on a read-only console.</summary>
    private string Form(HttpContext context, string action, string label, string confirm, string kind)
    {
        if (options.ReadOnly)
        {
            return "";
        }

        var tokens = antiforgery.GetAndStoreTokens(context);
        return $"<form class=\"action {H(kind)}\" method=\"post\" action=\"{H(action)}\" data-confirm=\"{H(confirm)}\"><input type=\"hidden\" name=\"{H(tokens.FormFieldName)}\" value=\"{H(tokens.RequestToken)}\"><button type=\"submit\">{H(label)}</button></form>";
    }

    private async Task Page(HttpContext context, string title, Func<CancellationToken, Task<string>> body, int status = StatusCodes.Status200OK)
    {
        // The store's version before the page is made: a change while making it shows as a change, never as none.
        var version = await feed.VersionAsync(context.RequestAborted);
        string main;
        try
        {
            main = await body(context.RequestAborted);
        }
        catch (PipeException e)
        {
            // Not found, or a name the store refuses: the same message the CLI gives.
            status = StatusCodes.Status404NotFound;
            main = $"<h1>Not found</h1><p class=\"error\">{H(e.Message)}</p><p><a href=\"/\">All pipelines</a></p>";
        }

        var html = new StringBuilder()
            .Append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">")
            .Append("<meta name=\"pipe-version\" content=\"").Append(H(version)).Append("\">")
            .Append("<title>").Append(H(title)).Append(" · PipeBuild</title><link rel=\"stylesheet\" href=\"/console.css\"><script src=\"/console.js\" defer></script></head>")
            .Append("<body><header><a class=\"brand\" href=\"/\">PipeBuild</a><nav><a href=\"/\">Pipelines</a><a href=\"/repos\">Data</a></nav><span class=\"where\">").Append(H(store.Objects.Location)).Append("</span>")
            .Append(options.ReadOnly ? "<span class=\"badge\">read-only</span>" : "").Append("</header>")
            .Append("<main id=\"main\">").Append(main).Append("</main></body></html>");
        await Results.Content(html.ToString(), "text/html; charset=utf-8", Encoding.UTF8, status).ExecuteAsync(context);
    }

    private Task<WorkspaceState> StateAsync(CancellationToken cancellationToken) => WorkspaceState.LoadAsync(engine, cancellationToken);

    private async Task<GraphPicture> PictureAsync(CancellationToken cancellationToken) => (await StateAsync(cancellationToken)).Picture;

    private async Task<string> GraphPageAsync(CancellationToken cancellationToken)
    {
        var (picture, statuses, jobs) = await StateAsync(cancellationToken);
        var html = new StringBuilder("<h1>Pipelines</h1>");
        if (statuses.Count == 0)
        {
            return html.Append("<p>No pipelines yet. Create one with <code>dotnet pipe pipeline create -f FILE</code> or <code>dotnet pipe run</code> in a workspace with <code>.pipeproj</code> files.</p>").ToString();
        }

        html.Append("<div class=\"graph\">").Append(picture.ToSvg(NodeLink)).Append("</div>");
        html.Append("<table class=\"pipelines\"><thead><tr><th>Pipeline</th><th>State</th><th>Why</th><th>Last job</th></tr></thead><tbody>");
        foreach (var status in statuses)
        {
            var node = picture.Nodes.Single(n => n.Name == status.Pipeline);
            var latest = jobs.Where(j => j.Pipeline == status.Pipeline).MaxBy(j => j.Started);
            html.Append("<tr data-pipeline=\"").Append(H(status.Pipeline)).Append("\"><td><a href=\"").Append(H(PipelineHref(status.Pipeline))).Append("\">").Append(H(status.Pipeline)).Append("</a></td>")
                .Append("<td>").Append(Badge(node.State)).Append("</td><td class=\"why\">").Append(H(node.Title)).Append("</td><td>")
                .Append(latest is null ? "-" : JobCell(latest)).Append("</td></tr>");
        }

        return html.Append("</tbody></table>").ToString();
    }

    private async Task<string> PipelinePageAsync(HttpContext context, string name, CancellationToken cancellationToken)
    {
        var pipeline = await engine.Registry.GetAsync(name, cancellationToken);
        var (picture, _, _) = await StateAsync(cancellationToken);
        var node = picture.Nodes.Single(n => n.Name == pipeline.Name);
        var jobs = (await engine.Jobs.ListAsync(pipeline.Name, cancellationToken)).OrderByDescending(j => j.Started).ToList();
        var html = new StringBuilder();
        html.Append("<h1>").Append(H(pipeline.Name)).Append(' ').Append(Badge(node.State)).Append("</h1>")
            .Append("<p class=\"why\">").Append(H(node.Title)).Append("</p>")
            .Append("<p>Output: repo <a href=\"").Append(H(RepoHref(pipeline.Name))).Append("\">").Append(H(pipeline.Name)).Append("</a></p>")
            .Append(Form(context, $"{PipelineHref(pipeline.Name)}/run", "Run", $"Bring pipeline {pipeline.Name} up to date now?", "run"))
            .Append("<h2>Definition <small>version ").Append(pipeline.Version.ToString(Invariant)).Append(", updated ").Append(H(pipeline.Updated.ToString("u", Invariant))).Append("</small></h2><table class=\"fields\"><tbody>");
        foreach (var (field, value) in PipelineFields.Of(pipeline.Spec))
        {
            html.Append("<tr><th>").Append(H(field)).Append("</th><td><code>").Append(H(value)).Append("</code></td></tr>");
        }

        html.Append("</tbody></table><h2>Jobs</h2>");
        if (jobs.Count == 0)
        {
            return html.Append("<p>No job yet: <code>dotnet pipe run ").Append(H(pipeline.Name)).Append("</code>.</p>").ToString();
        }

        html.Append(DurationChart(jobs.Take(30).Reverse().ToList()));
        html.Append("<table class=\"jobs\"><thead><tr><th>Job</th><th>Started</th><th>Duration</th><th>Ran</th><th>Reused</th><th>Failed</th><th>Total</th></tr></thead><tbody>");
        foreach (var job in jobs)
        {
            html.Append("<tr><td>").Append(JobCell(job)).Append("</td><td>").Append(H(job.Started.ToString("u", Invariant)))
                .Append("</td><td>").Append(H(Seconds(job.Duration))).Append("</td><td>").Append(job.DatumsProcessed.ToString(Invariant)).Append("</td><td>").Append(job.DatumsSkipped.ToString(Invariant))
                .Append("</td><td>").Append(job.DatumsFailed.ToString(Invariant)).Append("</td><td>").Append(job.DatumsTotal.ToString(Invariant)).Append("</td></tr>");
        }

        return html.Append("</tbody></table>").ToString();
    }

    private async Task<string> JobPageAsync(HttpContext context, string id, int page, string? state, CancellationToken cancellationToken)
    {
        var job = await engine.Jobs.GetAsync(id, cancellationToken);
        var html = new StringBuilder();
        var done = job.DatumsProcessed + job.DatumsSkipped + job.DatumsFailed;
        html.Append("<h1>Job <code>").Append(H(job.Id)).Append("</code> <span class=\"badge job-").Append(H(StateName(job.State))).Append("\">").Append(H(StateName(job.State))).Append("</span></h1>")
            .Append("<p>Pipeline <a href=\"").Append(H(PipelineHref(job.Pipeline))).Append("\">").Append(H(job.Pipeline)).Append("</a>, started ")
            .Append(H(job.Started.ToString("u", Invariant))).Append(", ").Append(job.Duration is null ? "running" : $"took {H(Seconds(job.Duration))}").Append(".</p>")
            .Append("<p><progress max=\"").Append(Math.Max(1, job.DatumsTotal).ToString(Invariant)).Append("\" value=\"").Append(done.ToString(Invariant)).Append("\"></progress> ")
            .Append("<span class=\"counts\">").Append(H($"{job.DatumSummary}, {job.DatumsTotal} total")).Append("</span></p>");
        html.Append(job.State is JobState.Starting or JobState.Running
            ? Form(context, $"{JobLink(job.Id)}/kill", "Kill", $"Kill job {Short(job.Id)} of {job.Pipeline}? Its datums stop and the previous output stays.", "kill")
            : Form(context, $"{JobLink(job.Id)}/restart", "Restart", $"Run {job.Pipeline} again? Failed datums retry, the others are reused.", "restart"));
        if (job.Reason is { Length: > 0 } reason)
        {
            html.Append("<p class=\"reason\">").Append(H(reason)).Append("</p>");
        }

        html.Append("<table class=\"fields\"><tbody><tr><th>Inputs</th><td>").Append(string.Join(", ", job.Inputs.Select(i => CommitCell(i.Repo, i.Commit)))).Append("</td></tr>")
            .Append("<tr><th>Output commit</th><td>").Append(job.OutputCommit is { } output ? CommitCell(job.Pipeline, output) : "-").Append("</td></tr>")
            .Append("<tr><th>Downloaded / uploaded</th><td>").Append(H($"{job.BytesDownloaded:N0} B / {job.BytesUploaded:N0} B")).Append("</td></tr></tbody></table>");

        // The failed datums first, each with its log open: what a user came to see.
        if (job.Failures.Count > 0)
        {
            html.Append("<h2>Failed datums</h2>");
            foreach (var failure in job.Failures)
            {
                html.Append("<details class=\"failure\" open><summary><a href=\"").Append(H($"{JobLink(job.Id)}/datums/{Uri.EscapeDataString(failure.DatumId)}")).Append("\"><code>")
                    .Append(H(Short(failure.DatumId))).Append("</code></a> ").Append(H(failure.Description)).Append(": <span class=\"reason\">").Append(H(failure.Reason)).Append("</span></summary>")
                    .Append(await LogAsync(failure.LogHash, cancellationToken)).Append("</details>");
            }
        }

        // The table is in plan order (a walk of the matched paths): the failed datums are moved first, nothing is sorted.
        var table = await DatumsAsync(job, cancellationToken);
        var datums = table.Where(d => d.State == DatumState.Failed).Concat(table.Where(d => d.State != DatumState.Failed)).ToList();
        html.Append("<h2>Datums</h2>");
        if (datums.Count == 0)
        {
            return html.Append(job.Finished is null ? "<p>The datum table is written when the job ends.</p>" : "<p>No datums.</p>").ToString();
        }

        var states = datums.GroupBy(d => d.State.Name()).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        html.Append("<nav class=\"filter\">").Append(FilterLink(job.Id, null, datums.Count, state is null));
        foreach (var (name, count) in states.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            html.Append(FilterLink(job.Id, name, count, state == name));
        }

        html.Append("</nav>");
        var shown = datums.Where(d => state is null || d.State.Name() == state).ToList();
        var pages = Math.Max(1, (shown.Count + DatumsPerPage - 1) / DatumsPerPage);
        page = Math.Min(page, pages);
        html.Append("<table class=\"datums\"><thead><tr><th>Datum</th><th>State</th><th>Inputs</th><th>Time</th><th>Result key</th></tr></thead><tbody>");
        var rows = shown.Skip((page - 1) * DatumsPerPage).Take(DatumsPerPage).ToList();
        // Times are in each datum's stored result: read for the rows shown only, never for a whole big job.
        var seconds = await Task.WhenAll(rows.Select(async d => d.State == DatumState.Success ? (await DatumResult.TryReadAsync(store.Objects, d.Hash, cancellationToken))?.Seconds : null));
        for (var i = 0; i < rows.Count; i++)
        {
            var datum = rows[i];
            html.Append("<tr class=\"datum-").Append(H(datum.State.Name())).Append("\"><td><a href=\"").Append(H($"{JobLink(job.Id)}/datums/{Uri.EscapeDataString(datum.Id)}")).Append("\"><code>")
                .Append(H(Short(datum.Id))).Append("</code></a></td><td>").Append(H(datum.State.Name())).Append("</td><td>").Append(H(datum.Description))
                .Append("</td><td class=\"time\">").Append(seconds[i] is { } s ? H(s.ToString("0.000", Invariant)) + " s" : datum.State == DatumState.Skipped ? "reused" : "-")
                .Append("</td><td><code>").Append(H(datum.Hash[..Math.Min(16, datum.Hash.Length)])).Append("</code></td></tr>");
        }

        html.Append("</tbody></table>");
        if (pages > 1)
        {
            html.Append("<nav class=\"pages\">page ").Append(page.ToString(Invariant)).Append(" of ").Append(pages.ToString(Invariant));
            var filter = state is null ? "" : $"&state={Uri.EscapeDataString(state)}";
            if (page > 1)
            {
                html.Append(" <a href=\"").Append(H($"{JobLink(job.Id)}?page={page - 1}{filter}")).Append("\">previous</a>");
            }

            if (page < pages)
            {
                html.Append(" <a rel=\"next\" href=\"").Append(H($"{JobLink(job.Id)}?page={page + 1}{filter}")).Append("\">next</a>");
            }

            html.Append("</nav>");
        }

        return html.ToString();
    }

    /// <summary>
    /// A job's datum rows. An ended job's table never changes, so the last few read are kept (tables of up to
    /// <see cref="CachedRowsLimit"/> rows): paging through a big job reads its table once.
    /// </summary>
    private async Task<IReadOnlyList<JobDatum>> DatumsAsync(JobInfo job, CancellationToken cancellationToken)
    {
        if (job.DatumTable is not { } key || job.Finished is null)
        {
            return await engine.Jobs.GetDatumsAsync(job, cancellationToken);
        }

        lock (tables)
        {
            if (tables.FindIndex(t => t.Key == key.Hash) is var at and >= 0)
            {
                return tables[at].Rows;
            }
        }

        var rows = await engine.Jobs.GetDatumsAsync(job, cancellationToken);
        if (rows.Count <= CachedRowsLimit)
        {
            lock (tables)
            {
                tables.RemoveAll(t => t.Key == key.Hash);
                tables.Insert(0, (key.Hash, rows));
                if (tables.Count > CachedTables)
                {
                    tables.RemoveAt(tables.Count - 1);
                }
            }
        }

        return rows;
    }

    private async Task<string> DatumPageAsync(string jobId, string datumId, CancellationToken cancellationToken)
    {
        var job = await engine.Jobs.GetAsync(jobId, cancellationToken);
        var datum = (await DatumsAsync(job, cancellationToken)).FirstOrDefault(d => d.Id.StartsWith(datumId, StringComparison.Ordinal));
        var failure = job.Failures.FirstOrDefault(f => f.DatumId.StartsWith(datumId, StringComparison.Ordinal));
        if (datum is null && failure is null)
        {
            throw new PipeException(ErrorCodes.InvalidArguments, $"job {job.Id} has no datum '{datumId}'.");
        }

        var html = new StringBuilder("<h1>Datum <code>").Append(H(datum?.Id ?? failure!.DatumId)).Append("</code></h1>")
            .Append("<p>Job <a href=\"").Append(H(JobLink(job.Id))).Append("\"><code>").Append(H(Short(job.Id))).Append("</code></a> of ")
            .Append(H(job.Pipeline)).Append(": ").Append(H(datum?.State.Name() ?? "failed")).Append(", read ").Append(H(datum?.Description ?? failure!.Description)).Append(".</p>");
        if (failure is not null)
        {
            html.Append("<p class=\"reason\">").Append(H(failure.Reason)).Append("</p>");
        }

        return html.Append("<h2>Log</h2>").Append(await LogAsync(datum?.LogHash ?? failure?.LogHash, cancellationToken)).ToString();
    }

    /// <summary>The log, as text in a <c>pre</c>: stdout and stderr as the transform wrote them.</summary>
    private async Task<string> LogAsync(string? hash, CancellationToken cancellationToken)
    {
        if (hash is null)
        {
            return "<p class=\"muted\">No log.</p>";
        }

        // Only the first bytes are read: a log may be far larger than a page should hold.
        await using var log = await store.Content.OpenObjectAsync(hash, cancellationToken);
        var shown = new byte[LogBytesShown + 1];
        var length = await log.ReadAtLeastAsync(shown, shown.Length, throwOnEndOfStream: false, cancellationToken);
        var text = Encoding.UTF8.GetString(shown, 0, Math.Min(length, LogBytesShown));
        var more = length > LogBytesShown ? $"<p class=\"muted\">The first {LogBytesShown / 1024} KiB; <code>dotnet pipe job logs</code> prints all of it.</p>" : "";
        return $"<pre class=\"log\">{H(text)}</pre>{more}";
    }

    /// <summary>Server-sent events: a <c>change</c> event whenever the store's summary differs from the page's (<see cref="ChangeFeed"/>).</summary>
    private async Task EventsAsync(HttpContext context, string? since)
    {
        var cancellationToken = context.RequestAborted;
        context.Response.Headers.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        try
        {
            // Against the version the page was made from: a change made before the page listened is sent at once.
            var last = since ?? await feed.VersionAsync(cancellationToken);
            await context.Response.WriteAsync("retry: 2000\n: listening\n\n", cancellationToken);
            await context.Response.Body.FlushAsync(cancellationToken);
            for (var first = true; !cancellationToken.IsCancellationRequested; first = false)
            {
                if (!first)
                {
                    await Task.Delay(feed.Interval, cancellationToken);
                }

                var now = await feed.VersionAsync(cancellationToken);
                if (now != last)
                {
                    last = now;
                    await context.Response.WriteAsync("event: change\ndata: {}\n\n", cancellationToken);
                    await context.Response.Body.FlushAsync(cancellationToken);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // the page went away
        }
    }

    private static string Badge(NodeState state) => $"<span class=\"badge {GraphPicture.StateClass(state)}\">{GraphPicture.StateClass(state).Replace('-', ' ')}</span>";

    private static string JobCell(JobInfo job) =>
        $"<a href=\"{H(JobLink(job.Id))}\"><code>{H(Short(job.Id))}</code></a> <span class=\"badge job-{H(StateName(job.State))}\">{H(StateName(job.State))}</span>";

    private static string FilterLink(string job, string? state, int count, bool current) =>
        $"<a href=\"{H(JobLink(job) + (state is null ? "" : $"?state={Uri.EscapeDataString(state)}"))}\"{(current ? " aria-current=\"page\"" : "")}>{H(state ?? "all")} ({count.ToString(Invariant)})</a> ";

    private static string StateName(JobState state) => state.ToString().ToLowerInvariant();

    private static string Seconds(TimeSpan? duration) => duration is { } d ? $"{d.TotalSeconds.ToString("0.0", Invariant)} s" : "-";

    /// <summary>The last jobs' durations as bars, coloured by how they ended, each titled with its datum counts.</summary>
    private static string DurationChart(IReadOnlyList<JobInfo> jobs)
    {
        const int width = 18, height = 80;
        var longest = Math.Max(0.1, jobs.Max(j => j.Duration?.TotalSeconds ?? 0));
        var svg = new StringBuilder().Append(CultureInfo.InvariantCulture, $"<svg class=\"chart\" width=\"{jobs.Count * width}\" height=\"{height}\" role=\"img\" aria-label=\"durations of the last jobs\">");
        for (var i = 0; i < jobs.Count; i++)
        {
            var job = jobs[i];
            var bar = Math.Max(2, (job.Duration?.TotalSeconds ?? 0) / longest * (height - 4));
            svg.Append(CultureInfo.InvariantCulture, $"<rect class=\"job-{StateName(job.State)}\" x=\"{(i * width) + 2}\" y=\"{height - bar:0.#}\" width=\"{width - 4}\" height=\"{bar:0.#}\">")
                .Append("<title>").Append(H($"{Short(job.Id)}: {Seconds(job.Duration)}, {job.DatumSummary}")).Append("</title></rect>");
        }

        return svg.Append("</svg>").ToString();
    }
}
