using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using PipeBuild.Core;
using PipeBuild.Engine;
using PipeBuild.Store;
using Sylvan.Data.Csv;

namespace PipeBuild.WebConsole;

/// <summary>
/// The data pages: repos, branches and commit history with origin and provenance, a file browser at any commit
/// (text as text, images as images, CSV as a table of its first rows, every file downloadable), and the changed
/// lines of a file between two commits. Every repo, commit and path in an address goes through the CLI's parser
/// (<see cref="CommitRef.Parse"/>), so none leaves the store.
/// </summary>
internal sealed partial class ConsolePages
{
    /// <summary>Bytes of a file read to show it in the page; the rest is downloaded.</summary>
    public const int FileBytesShown = 256 * 1024;

    /// <summary>Rows of a CSV file shown as a table.</summary>
    public const int CsvRowsShown = 50;

    private const int CommitsShown = 50;

    private static readonly Dictionary<string, string> ImageTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        [".png"] = "image/png",
        [".jpg"] = "image/jpeg",
        [".jpeg"] = "image/jpeg",
        [".gif"] = "image/gif",
        [".webp"] = "image/webp",
    };

    private void MapData(IEndpointRouteBuilder app)
    {
        app.MapGet("/repos", (HttpContext c) => Page(c, "Data", ReposPageAsync));
        app.MapGet("/repos/{repo}", (HttpContext c, string repo, string? branch) => Page(c, repo, ct => RepoPageAsync(repo, branch, ct)));
        app.MapGet("/repos/{repo}/commits/{commit}", (HttpContext c, string repo, string commit) => Page(c, $"{repo}@{commit}", ct => CommitPageAsync(repo, commit, ct)));
        app.MapGet("/repos/{repo}/commits/{commit}/files/{**path}", (HttpContext c, string repo, string commit, string? path) => Page(c, $"{repo}@{commit}:/{path}", ct => FilesPageAsync(repo, commit, path ?? "", ct)));
        app.MapGet("/repos/{repo}/commits/{commit}/diff/{**path}", (HttpContext c, string repo, string commit, string? path, string? against) => Page(c, $"diff {repo}@{commit}:/{path}", ct => DiffPageAsync(repo, commit, against, path ?? "", ct)));
        app.MapGet("/repos/{repo}/commits/{commit}/raw/{**path}", RawAsync);
        app.MapGet("/repos/{repo}/commits/{commit}/lineage/{**path}", (HttpContext c, string repo, string commit, string? path, string? downstream) =>
            Page(c, $"lineage {repo}@{commit}:/{path}", ct => LineagePageAsync(repo, commit, path ?? "", downstream is "1" or "true", ct)));
    }

    private static string RepoHref(string repo) => $"/repos/{Uri.EscapeDataString(repo)}";

    private static string CommitHref(string repo, string commit) => $"{RepoHref(repo)}/commits/{Uri.EscapeDataString(commit)}";

    /// <summary>A page under a commit for a path: its segments escaped one by one, so '/' stays a separator.</summary>
    private static string PathHref(string repo, string commit, string kind, string path) =>
        $"{CommitHref(repo, commit)}/{kind}/{string.Join('/', path.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.EscapeDataString))}";

    /// <summary>An id's first 12 characters, as the pages show ids.</summary>
    private static string Short(string id) => id[..Math.Min(12, id.Length)];

    private static string CommitCell(string repo, string commit) =>
        $"<a href=\"{H(CommitHref(repo, commit))}\"><code>{H(repo)}@{H(Short(commit))}</code></a>";

    /// <summary>A commit and a normalized path of it, named as the CLI names them (<c>repo@commit:path</c>), or a PIPE error (a 404 page).</summary>
    private async Task<(CommitInfo Commit, string Path)> ResolveAsync(string repo, string commit, string path, CancellationToken cancellationToken)
    {
        var reference = CommitRef.Parse($"{repo}@{commit}:/{path}");
        return (await store.ResolveAsync(reference, cancellationToken), reference.NormalizedPath);
    }

    private async Task<string> ReposPageAsync(CancellationToken cancellationToken)
    {
        var html = new StringBuilder("<h1>Data</h1><table class=\"repos\"><thead><tr><th>Repo</th><th>Branches</th><th>Written by</th><th>Description</th></tr></thead><tbody>");
        var pipelines = (await engine.Registry.ListAsync(cancellationToken)).Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var repo in (await store.ListReposAsync(cancellationToken)).OrderBy(r => r.Name, StringComparer.Ordinal))
        {
            var branches = await store.ListBranchesAsync(repo.Name, cancellationToken);
            html.Append("<tr data-repo=\"").Append(H(repo.Name)).Append("\"><td><a href=\"").Append(H(RepoHref(repo.Name))).Append("\">").Append(H(repo.Name)).Append("</a></td><td>")
                .Append(string.Join(", ", branches.Select(b => b.Head is null ? H(b.Name) : $"{H(b.Name)} {CommitCell(repo.Name, b.Head)}")))
                .Append("</td><td>").Append(pipelines.Contains(repo.Name) ? $"pipeline <a href=\"{H(PipelineHref(repo.Name))}\">{H(repo.Name)}</a>" : "you")
                .Append("</td><td>").Append(H(repo.Description)).Append("</td></tr>");
        }

        return html.Append("</tbody></table>").ToString();
    }

    private async Task<string> RepoPageAsync(string repo, string? branch, CancellationToken cancellationToken)
    {
        var info = await store.GetRepoAsync(repo, cancellationToken);
        var branches = await store.ListBranchesAsync(info.Name, cancellationToken);
        var html = new StringBuilder("<h1>Repo ").Append(H(info.Name)).Append("</h1>");
        if (info.Description is { Length: > 0 } description)
        {
            html.Append("<p>").Append(H(description)).Append("</p>");
        }

        html.Append("<h2>Branches</h2><table class=\"branches\"><thead><tr><th>Branch</th><th>Head</th><th>Open commit</th><th></th></tr></thead><tbody>");
        foreach (var b in branches)
        {
            html.Append("<tr><td><a href=\"").Append(H($"{RepoHref(info.Name)}?branch={Uri.EscapeDataString(b.Name)}")).Append("\">").Append(H(b.Name)).Append("</a></td><td>")
                .Append(b.Head is null ? "-" : CommitCell(info.Name, b.Head)).Append("</td><td>").Append(b.Open is null ? "-" : CommitCell(info.Name, b.Open)).Append("</td><td>")
                .Append(b.Head is null ? "" : $"<a href=\"{H(PathHref(info.Name, b.Head, "files", ""))}\">files</a>").Append("</td></tr>");
        }

        var commits = await store.ListCommitsAsync(info.Name, branch, CommitsShown, cancellationToken);
        html.Append("</tbody></table><h2>Commits").Append(branch is null ? "" : $" of {H(branch)}").Append(" <small>newest first</small></h2>")
            .Append("<table class=\"commits\"><thead><tr><th>Commit</th><th>Branch</th><th>Finished</th><th>Origin</th><th>Provenance</th><th>Description</th></tr></thead><tbody>");
        foreach (var commit in commits)
        {
            html.Append(CommitRow(commit));
        }

        return html.Append("</tbody></table>").ToString();
    }

    private string CommitRow(CommitInfo commit) => new StringBuilder("<tr><td>").Append(CommitCell(commit.Repo, commit.Id)).Append("</td><td>").Append(H(commit.Branch))
        .Append("</td><td>").Append(commit.Finished is { } finished ? H(finished.ToString("u", Invariant)) : "open").Append("</td><td>").Append(Origin(commit.Origin))
        .Append("</td><td>").Append(string.Join(", ", commit.Provenance.Select(p => CommitCell(p.Repo, p.Commit)))).Append("</td><td>").Append(H(commit.Description)).Append("</td></tr>").ToString();

    private static string Origin(string origin) =>
        CommitOrigin.PipelineOf(origin) is { } pipeline ? $"pipeline <a href=\"{H(PipelineHref(pipeline))}\">{H(pipeline)}</a>" : H(origin);

    private async Task<string> CommitPageAsync(string repo, string id, CancellationToken cancellationToken)
    {
        var (commit, _) = await ResolveAsync(repo, id, "", cancellationToken);
        var parent = commit.Parent is { } p ? await store.GetCommitAsync(commit.Repo, p, cancellationToken) : null;
        var html = new StringBuilder("<h1>Commit <code>").Append(H(commit.Repo)).Append('@').Append(H(commit.Id)).Append("</code></h1>")
            .Append("<table class=\"fields\"><tbody>")
            .Append("<tr><th>Branch</th><td>").Append(H(commit.Branch)).Append("</td></tr>")
            .Append("<tr><th>Parent</th><td>").Append(parent is null ? "-" : CommitCell(parent.Repo, parent.Id)).Append("</td></tr>")
            .Append("<tr><th>Started / finished</th><td>").Append(H(commit.Started.ToString("u", Invariant))).Append(" / ").Append(commit.Finished is { } f ? H(f.ToString("u", Invariant)) : "open").Append("</td></tr>")
            .Append("<tr><th>Origin</th><td>").Append(Origin(commit.Origin)).Append("</td></tr>")
            .Append("<tr><th>Provenance</th><td>").Append(string.Join(", ", commit.Provenance.Select(x => CommitCell(x.Repo, x.Commit)))).Append("</td></tr>")
            .Append("<tr><th>Size</th><td>").Append(H($"{commit.Size:N0} B")).Append("</td></tr>")
            .Append("<tr><th>Description</th><td>").Append(H(commit.Description)).Append("</td></tr></tbody></table>")
            .Append("<p><a href=\"").Append(H(PathHref(commit.Repo, commit.Id, "files", ""))).Append("\">Browse its files</a></p>");

        var changes = await store.DiffAsync(
            parent is null ? null : await store.GetEntryAsync(parent, RepoPath.Root, cancellationToken),
            await store.GetEntryAsync(commit, RepoPath.Root, cancellationToken),
            RepoPath.Root,
            cancellationToken);
        html.Append("<h2>Changes <small>from ").Append(parent is null ? "nothing (the first commit)" : H(Short(parent.Id))).Append("</small></h2>");
        html.Append("<table class=\"changes\"><thead><tr><th>Status</th><th>Path</th><th>Old size</th><th>New size</th><th></th></tr></thead><tbody>");
        foreach (var change in changes)
        {
            var path = RepoPath.Display(change.Path);
            html.Append("<tr><td>").Append(H(change.Kind.ToString().ToLowerInvariant())).Append("</td><td>")
                .Append(change.Kind == FileChangeKind.Removed ? H(path) : $"<a href=\"{H(PathHref(commit.Repo, commit.Id, "files", change.Path))}\">{H(path)}</a>")
                .Append("</td><td>").Append(H(change.OldSize?.ToString("N0", Invariant) ?? "-")).Append("</td><td>").Append(H(change.NewSize?.ToString("N0", Invariant) ?? "-"))
                .Append("</td><td><a class=\"lines\" href=\"").Append(H(PathHref(commit.Repo, commit.Id, "diff", change.Path))).Append("\">lines</a></td></tr>");
        }

        return html.Append("</tbody></table>").ToString();
    }

    private async Task<string> FilesPageAsync(string repo, string id, string path, CancellationToken cancellationToken)
    {
        var (commit, normalized) = await ResolveAsync(repo, id, path, cancellationToken);
        var entry = await store.GetExistingEntryAsync(commit, normalized, cancellationToken);
        var html = new StringBuilder("<h1>").Append(Breadcrumbs(commit, normalized)).Append("</h1>");
        if (entry.IsDirectory)
        {
            html.Append("<table class=\"files\"><thead><tr><th>Name</th><th>Size</th><th></th></tr></thead><tbody>");
            foreach (var child in (await store.Content.ReadTreeAsync(entry.Hash, cancellationToken)).OrderBy(e => !e.IsDirectory).ThenBy(e => e.Name, StringComparer.Ordinal))
            {
                var childPath = RepoPath.Combine(normalized, child.Name);
                html.Append("<tr><td><a href=\"").Append(H(PathHref(commit.Repo, commit.Id, "files", childPath))).Append("\">").Append(H(child.Name)).Append(child.IsDirectory ? "/" : "")
                    .Append("</a></td><td>").Append(H(child.Size.ToString("N0", Invariant))).Append("</td><td>")
                    .Append(child.IsDirectory ? "" : $"<a href=\"{H(PathHref(commit.Repo, commit.Id, "raw", childPath))}\">download</a>").Append("</td></tr>");
            }

            return html.Append("</tbody></table>").ToString();
        }

        var raw = PathHref(commit.Repo, commit.Id, "raw", normalized);
        html.Append("<p>").Append(H($"{entry.Size:N0} bytes")).Append(" · <a href=\"").Append(H(raw)).Append("\">download</a> · <a href=\"")
            .Append(H(PathHref(commit.Repo, commit.Id, "diff", normalized))).Append("\">lines changed by this commit</a> · lineage: <a class=\"upstream\" href=\"")
            .Append(H(PathHref(commit.Repo, commit.Id, "lineage", normalized))).Append("\">where it came from</a>, <a class=\"downstream\" href=\"")
            .Append(H(PathHref(commit.Repo, commit.Id, "lineage", normalized) + "?downstream=1")).Append("\">what was built from it</a></p>");
        var name = normalized[(normalized.LastIndexOf('/') + 1)..];
        if (ImageTypes.ContainsKey(Path.GetExtension(name)))
        {
            return html.Append("<img class=\"file\" alt=\"").Append(H(name)).Append("\" src=\"").Append(H(raw + "?inline=1")).Append("\">").ToString();
        }

        await using var stream = await store.Content.OpenReadAsync(entry.Content, cancellationToken);
        var buffer = new byte[(int)Math.Min(entry.Size, FileBytesShown)];
        await stream.ReadExactlyAsync(buffer, cancellationToken);
        var text = Utf8Prefix(buffer, cut: entry.Size > buffer.Length);
        if (text is null)
        {
            return html.Append("<p class=\"muted\">A binary file: download it to look inside.</p>").ToString();
        }

        var cut = entry.Size > buffer.Length ? $"<p class=\"muted\">The first {FileBytesShown / 1024} KiB of {entry.Size:N0} bytes.</p>" : "";
        if (string.Equals(Path.GetExtension(name), ".csv", StringComparison.OrdinalIgnoreCase) && CsvTable(text) is { } table)
        {
            return html.Append(table).ToString();
        }

        return html.Append("<pre class=\"file\">").Append(H(text)).Append("</pre>").Append(cut).ToString();
    }

    /// <summary>
    /// The text of a file's first bytes, or null when they are not text. When the file goes on after them
    /// (<paramref name="cut"/>), the cut may split its last character: up to 3 bytes of it are dropped, never more.
    /// </summary>
    private static string? Utf8Prefix(byte[] bytes, bool cut)
    {
        for (var trim = 0; trim <= (cut ? Math.Min(3, bytes.Length) : 0); trim++)
        {
            if (trim > 0 && bytes[^trim] < 0x80)
            {
                break; // an ASCII byte ends no split character
            }

            if (LineDiff.IsText(bytes.AsSpan(0, bytes.Length - trim)))
            {
                return Encoding.UTF8.GetString(bytes, 0, bytes.Length - trim);
            }
        }

        return null;
    }

    /// <summary>The first rows of CSV text as a table, its first line the header; null when it does not read as CSV.</summary>
    private static string? CsvTable(string text)
    {
        try
        {
            using var reader = CsvDataReader.Create(new StringReader(text), new CsvDataReaderOptions { HasHeaders = true });
            var html = new StringBuilder("<table class=\"csv\"><thead><tr>");
            for (var i = 0; i < reader.FieldCount; i++)
            {
                html.Append("<th>").Append(H(reader.GetName(i))).Append("</th>");
            }

            html.Append("</tr></thead><tbody>");
            var rows = 0;
            while (rows < CsvRowsShown && reader.Read())
            {
                rows++;
                html.Append("<tr>");
                for (var i = 0; i < reader.RowFieldCount; i++)
                {
                    html.Append("<td>").Append(H(reader.GetString(i))).Append("</td>");
                }

                html.Append("</tr>");
            }

            var more = reader.Read() ? $"<p class=\"muted\">The first {CsvRowsShown} rows; download the file for the rest.</p>" : "";
            return html.Append("</tbody></table>").Append(more).ToString();
        }
        catch (CsvFormatException)
        {
            return null;
        }
    }

    private static string Breadcrumbs(CommitInfo commit, string path)
    {
        var html = new StringBuilder("<a href=\"").Append(H(CommitHref(commit.Repo, commit.Id))).Append("\"><code>").Append(H(commit.Repo)).Append('@').Append(H(Short(commit.Id))).Append("</code></a>:")
            .Append("<a href=\"").Append(H(PathHref(commit.Repo, commit.Id, "files", ""))).Append("\">/</a>");
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < parts.Length; i++)
        {
            html.Append(i > 0 ? "/" : "").Append("<a href=\"").Append(H(PathHref(commit.Repo, commit.Id, "files", string.Join('/', parts.Take(i + 1))))).Append("\">").Append(H(parts[i])).Append("</a>");
        }

        return html.ToString();
    }

    /// <summary>The lines of one file changed from <paramref name="against"/> (default: the commit's parent) to the commit.</summary>
    private async Task<string> DiffPageAsync(string repo, string id, string? against, string path, CancellationToken cancellationToken)
    {
        var (commit, normalized) = await ResolveAsync(repo, id, path, cancellationToken);
        var old = against is not null ? (await ResolveAsync(repo, against, path, cancellationToken)).Commit
            : commit.Parent is { } parent ? await store.GetCommitAsync(commit.Repo, parent, cancellationToken) : null;
        var before = old is null ? null : await store.GetEntryAsync(old, normalized, cancellationToken);
        var after = await store.GetEntryAsync(commit, normalized, cancellationToken);
        if (before is null && after is null)
        {
            throw new PipeException(ErrorCodes.PathNotFound, $"{RepoPath.Display(normalized)} is in neither {commit.Repo}@{Short(commit.Id)} nor {(old is null ? "its parent" : $"{old.Repo}@{Short(old.Id)}")}.");
        }

        var html = new StringBuilder("<h1>Lines of <code>").Append(H(RepoPath.Display(normalized))).Append("</code></h1><p>From ")
            .Append(old is null ? "nothing" : CommitCell(old.Repo, old.Id)).Append(" to ").Append(CommitCell(commit.Repo, commit.Id)).Append(".</p>");
        if (before?.IsDirectory == true || after?.IsDirectory == true)
        {
            return html.Append("<p class=\"muted\">A folder: its commit's changes list the files that differ.</p>").ToString();
        }

        var kind = before is null ? FileChangeKind.Added : after is null ? FileChangeKind.Removed : FileChangeKind.Modified;
        var diff = await FileLineDiff.ComputeAsync(store, old, commit, new FileChange(kind, normalized, before?.Size, after?.Size), cancellationToken);
        if (diff.NoLines is { } why)
        {
            return html.Append("<p class=\"muted\">").Append(H(why)).Append(".</p>").ToString();
        }

        if (diff.Hunks.Count == 0)
        {
            return html.Append("<p>No line changed.</p>").ToString();
        }

        html.Append("<table class=\"diff\"><tbody>");
        foreach (var hunk in diff.Hunks)
        {
            html.Append("<tr class=\"hunk\"><td colspan=\"3\">").Append(H(hunk.Header)).Append("</td></tr>");
            int oldLine = hunk.OldStart, newLine = hunk.NewStart;
            foreach (var line in hunk.Lines)
            {
                var (css, left, right) = line.Kind switch
                {
                    '-' => ("del", (oldLine++).ToString(Invariant), ""),
                    '+' => ("add", "", (newLine++).ToString(Invariant)),
                    _ => ("same", (oldLine++).ToString(Invariant), (newLine++).ToString(Invariant)),
                };
                html.Append("<tr class=\"").Append(css).Append("\"><td class=\"n\">").Append(left).Append("</td><td class=\"n\">").Append(right)
                    .Append("</td><td><code>").Append(line.Kind).Append(H(line.Text)).Append("</code></td></tr>");
            }
        }

        return html.Append("</tbody></table>").ToString();
    }

    /// <summary>A file's lineage (<see cref="FileLineage"/>) as nested lists: each file a link, with the job and datum that made or read it.</summary>
    private async Task<string> LineagePageAsync(string repo, string id, string path, bool downstream, CancellationToken cancellationToken)
    {
        var (commit, normalized) = await ResolveAsync(repo, id, path, cancellationToken);
        if ((await store.GetExistingEntryAsync(commit, normalized, cancellationToken)).IsDirectory)
        {
            throw new PipeException(ErrorCodes.NotAFile, $"{RepoPath.Display(normalized)} is a folder: lineage follows files.");
        }

        var lineage = new FileLineage(store, engine);
        var root = downstream
            ? await lineage.DownstreamAsync(commit.Repo, commit.Id, normalized, cancellationToken)
            : await lineage.UpstreamAsync(commit.Repo, commit.Id, normalized, cancellationToken);
        var html = new StringBuilder("<h1>").Append(downstream ? "Built from " : "Where it came from: ").Append("<code>").Append(H(RepoPath.Display(normalized))).Append("</code></h1>")
            .Append("<p class=\"muted\">").Append(downstream
                ? "Every file built from this one, through each pipeline that read it (the newest successful job that read this commit)."
                : "The job and datum that wrote each file, and the files that datum read, back to the files a user put.").Append("</p>")
            .Append("<ul class=\"lineage\">");
        Node(root);
        return html.Append("</ul>").ToString();

        void Node(LineageNode node)
        {
            html.Append("<li data-repo=\"").Append(H(node.Repo)).Append("\">");
            html.Append(node.Path.Length == 0 ? CommitCell(node.Repo, node.Commit) : $"<a href=\"{H(PathHref(node.Repo, node.Commit, "files", node.Path))}\"><code>{H(node.Repo)}@{H(Short(node.Commit))}:{H(RepoPath.Display(node.Path))}</code></a>");
            if (node.Job is { } job)
            {
                html.Append(" <span class=\"how\">").Append(downstream ? "built by " : "written by ").Append("<a href=\"").Append(H(PipelineHref(node.Pipeline!))).Append("\">").Append(H(node.Pipeline)).Append("</a>, job ")
                    .Append("<a href=\"").Append(H(JobLink(job))).Append("\"><code>").Append(H(Short(job))).Append("</code></a>");
                if (node.Datum is { } datum)
                {
                    html.Append(", datum <a href=\"").Append(H($"{JobLink(job)}/datums/{Uri.EscapeDataString(datum)}")).Append("\"><code>").Append(H(Short(datum))).Append("</code></a> reading ").Append(H(node.DatumInputs));
                }

                html.Append("</span>");
            }
            else if (!downstream && node.Pipeline is null)
            {
                html.Append(" <span class=\"how\">put by a user</span>");
            }

            if (node.Note is { } note)
            {
                html.Append(" <span class=\"muted\">").Append(H(note)).Append("</span>");
            }

            if (node.Links.Count > 0)
            {
                html.Append("<ul>");
                foreach (var link in node.Links)
                {
                    Node(link);
                }

                html.Append("</ul>");
            }

            html.Append("</li>");
        }
    }

    /// <summary>
    /// A file's bytes, streamed from the store: a download, or with <c>?inline=1</c> an image the page shows. A
    /// sandbox policy goes with it, so nothing in a file runs with the console's rights.
    /// </summary>
    private async Task RawAsync(HttpContext context, string repo, string commit, string? path, string? inline)
    {
        var cancellationToken = context.RequestAborted;
        CommitInfo info;
        TreeEntry entry;
        string normalized;
        try
        {
            (info, normalized) = await ResolveAsync(repo, commit, path ?? "", cancellationToken);
            entry = await store.GetExistingEntryAsync(info, normalized, cancellationToken);
            if (entry.IsDirectory)
            {
                throw new PipeException(ErrorCodes.PathNotFound, $"{RepoPath.Display(normalized)} is a folder: download its files one by one, or 'dotnet pipe file get -r'.");
            }
        }
        catch (PipeException e)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            await context.Response.WriteAsync(e.Message, cancellationToken);
            return;
        }

        var name = normalized[(normalized.LastIndexOf('/') + 1)..];
        context.Response.Headers.ContentSecurityPolicy = "default-src 'none'; sandbox";
        var image = inline is "1" or "true" && ImageTypes.TryGetValue(Path.GetExtension(name), out var type) ? type : null;
        await using var stream = await store.Content.OpenReadAsync(entry.Content, cancellationToken);
        await Results.Stream(stream, image ?? "application/octet-stream", image is null ? name : null).ExecuteAsync(context);
    }
}
