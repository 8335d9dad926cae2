using PipeBuild.Core;
using PipeBuild.Store;

namespace PipeBuild.Cli.Commands;

/// <summary>
/// <c>file put</c> in two phases: store every source's content (slow, parallel, done once), then place the
/// stored content in the tree (fast, and re-run if another writer moved the branch meanwhile).
/// </summary>
internal static class FilePut
{
    public static async Task<StoredSources> StoreSourcesAsync(Session session, PutRequest request, int parallelism, CancellationToken ct)
    {
        var content = session.Store.Content;
        var basePath = request.Target.NormalizedPath;
        if (request.Split is { } format)
        {
            if (request.Sources.Length != 1)
            {
                throw new PipeException(ErrorCodes.InvalidArguments, "--split takes exactly one source (-f).");
            }

            var source = request.Sources[0];
            var folder = request.IntoFolder || basePath.Length == 0 ? RepoPath.Combine(basePath, RepoPath.Normalize(NameOf(source))) : basePath;
            byte[] data;
            await using (var stream = await OpenRemoteOrStdinAsync(session.Console, source, ct) ?? await LocalSourceIngester.OpenAsync(source, ct))
            {
                using var buffer = new MemoryStream();
                await stream.CopyToAsync(buffer, ct);
                data = buffer.ToArray();
            }

            var pieces = RecordSplitter.Split(data, format, request.RecordsPerFile, request.BytesPerFile, request.HeaderRecords);
            var stored = new List<(string, FileContent)>();
            foreach (var piece in pieces)
            {
                stored.Add(("", await content.WriteAsync(piece, ct)));
            }

            return new StoredSources(stored, folder);
        }

        var remote = new List<(string Path, string Source)>();
        var local = new List<SourceFile>();
        foreach (var source in request.Sources)
        {
            if (!IsLocal(source))
            {
                remote.Add((request.IntoFolder || basePath.Length == 0 ? RepoPath.Combine(basePath, RepoPath.Normalize(NameOf(source))) : basePath, source));
                continue;
            }

            var isFolder = Directory.Exists(source);
            var target = isFolder || !request.IntoFolder ? basePath : RepoPath.Combine(basePath, RepoPath.Normalize(Path.GetFileName(source)));
            local.AddRange(LocalSourceIngester.Plan(source, target, request.Recursive, Path.Combine(session.Workspace.Root, Workspace.MetadataFolder)));
        }

        // Before anything is stored: a refused put leaves no objects behind.
        RefuseDuplicates(remote.Select(r => r.Path).Concat(local.Select(f => f.RepoPath)));

        var files = new List<(string, FileContent)>();
        foreach (var (path, source) in remote)
        {
            await using var stream = (await OpenRemoteOrStdinAsync(session.Console, source, ct))!;
            files.Add((path, await content.WriteAsync(stream, null, ct)));
        }

        var ingester = new LocalSourceIngester(content, session.Workspace.OpenStatCache(), parallelism);
        var total = local.Sum(f => f.Length);
        var ingested = await Progress.RunAsync(session.Console, $"storing {local.Count} file(s)", total, progress => ingester.IngestAsync(local, progress, ct));
        return new StoredSources(files.Count == 0 ? ingested : [.. files, .. ingested], null); // no copy of a folder's million entries
    }

    /// <summary>Refuses two sources put at one path. A set, not GroupBy: that made a group per path of a million-file folder.</summary>
    private static void RefuseDuplicates(IEnumerable<string> paths)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        if (paths.FirstOrDefault(p => !seen.Add(p)) is { } duplicate)
        {
            throw new PipeException(ErrorCodes.InvalidArguments, $"two sources would both be put at '{RepoPath.Display(duplicate)}'; give them different names.");
        }
    }

    /// <summary>Places stored sources in the tree; pure with respect to <paramref name="editor"/>, so it can be re-run.</summary>
    public static async Task ApplyAsync(VersionStore store, TreeEditor editor, PutRequest request, StoredSources sources, CancellationToken ct)
    {
        if (sources.SplitFolder is { } folder)
        {
            var first = 0;
            if (request.Append && await editor.GetAsync(folder, ct) is { IsDirectory: true } existing)
            {
                first = (await store.Content.ReadListingAsync(existing.Hash, ct)).Count;
            }
            else if (!request.Append)
            {
                await editor.DeleteAsync(folder, ct); // a new split replaces the previous pieces
            }

            for (var i = 0; i < sources.Count; i++)
            {
                await editor.SetFileAsync(RepoPath.Combine(folder, RecordSplitter.PieceName(first + i)), sources.Files[i].Content, ct);
            }

            return;
        }

        foreach (var (path, content) in sources.Files)
        {
            var final = content;
            if (request.Append && await editor.GetAsync(path, ct) is { IsDirectory: false } existing)
            {
                await using var addition = await store.Content.OpenReadAsync(content, ct);
                final = await store.Content.AppendAsync(existing.Content, addition, null, ct);
            }

            await editor.SetFileAsync(path, final, ct);
        }
    }

    /// <summary>Whether <paramref name="source"/> is a local path (not <c>-</c> for stdin, nor a URL).</summary>
    public static bool IsLocal(string source) => source != "-" && !IsUrl(source);

    private static bool IsUrl(string source) =>
        source.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || source.StartsWith("https://", StringComparison.OrdinalIgnoreCase);

    private static string NameOf(string source)
    {
        if (source == "-")
        {
            throw new PipeException(ErrorCodes.InvalidArguments, "-f - (stdin) needs a target path, as in repo@master:/name.txt.");
        }

        return IsUrl(source) ? Path.GetFileName(UrlOf(source).AbsolutePath) : Path.GetFileName(Path.TrimEndingDirectorySeparator(source));
    }

    /// <summary>An http(s) source as a URI, or PIPE1005 naming it when it is not one (<c>https://</c> alone, a broken host).</summary>
    private static Uri UrlOf(string source) =>
        Uri.TryCreate(source, UriKind.Absolute, out var uri) && uri.Host.Length > 0
            ? uri
            : throw new PipeException(ErrorCodes.SourceUnreadable, $"cannot download '{source}': it is not a URL. Write http(s)://HOST[:PORT]/PATH.");

    private static async Task<Stream?> OpenRemoteOrStdinAsync(PipeConsole console, string source, CancellationToken ct)
    {
        if (source == "-")
        {
            return console.OpenStandardInput();
        }

        if (!IsUrl(source))
        {
            return null;
        }

        try
        {
            var client = new HttpClient();
            var response = await client.GetAsync(UrlOf(source), HttpCompletionOption.ResponseHeadersRead, ct);
            response.EnsureSuccessStatusCode();
            return await response.Content.ReadAsStreamAsync(ct);
        }
        catch (HttpRequestException e)
        {
            throw new PipeException(ErrorCodes.SourceUnreadable, $"cannot download '{source}': {e.Message}");
        }
    }
}
