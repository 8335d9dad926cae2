using System.CommandLine;
using System.Globalization;
using PipeBuild.Core;
using PipeBuild.Store;

namespace PipeBuild.Cli.Commands;

/// <summary>
/// <c>file history</c> and <c>file list --history</c>: the versions of a file (or folder) across a branch's commits,
/// newest first, one per commit that changed it (pachctl's <c>list file --history</c>).
/// </summary>
internal static class FileHistory
{
    public static Command Create()
    {
        var source = new Argument<string>("repo@ref:path") { Description = "The file or folder, at a branch or commit; its versions are read back from there." };
        var history = Option("all");
        return Cli.Command("history", "List the versions of a file: each commit (newest first) where its content changed, with its time, size and hash.", [source, history], async (s, ct) =>
        {
            var limit = Limit(s.Get(history));
            await WriteAsync(s, s.Get(source), limit > 0 ? limit : throw new PipeException(ErrorCodes.InvalidArguments, "--history 0 asks for no version: give 1 or more, or all."), ct);
            return ExitCodes.Ok;
        });
    }

    /// <summary><c>--history N|all</c>; <paramref name="defaultValue"/> when absent.</summary>
    public static Option<string> Option(string defaultValue) => new("--history")
    {
        Description = "How many versions: N (1 is the last commit that changed it), or all (pachctl's -1 also means all).",
        DefaultValueFactory = _ => defaultValue,
    };

    /// <summary>The number of versions <c>--history</c> asks for: 0 for none (a plain listing), int.MaxValue for all.</summary>
    public static int Limit(string text) =>
        text is "all" or "-1" ? int.MaxValue
        : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n
        : throw new PipeException(ErrorCodes.InvalidArguments, $"--history '{text}' is neither a number of versions nor 'all'.");

    /// <summary>Prints up to <paramref name="limit"/> versions of the path <paramref name="text"/> names.</summary>
    public static async Task WriteAsync(Session s, string text, int limit, CancellationToken ct)
    {
        var reference = s.Ref(text);
        var path = reference.NormalizedPath;
        var versions = new List<FileVersion>();
        void Add(CommitInfo commit, TreeEntry entry) =>
            versions.Add(new FileVersion(commit.Id, commit.Branch, RepoPath.Display(path), entry.IsDirectory ? "dir" : "file", commit.Finished ?? commit.Started, entry.Size, entry.Hash));

        // Newest first: a commit is a version when its entry differs from its parent's.
        (CommitInfo Commit, TreeEntry? Entry)? newer = null;
        await foreach (var commit in s.Store.HistoryAsync(await s.Store.ResolveAsync(reference, ct), ct))
        {
            var entry = newer is null ? await s.Store.GetExistingEntryAsync(commit, path, ct) : await s.Store.GetEntryAsync(commit, path, ct);
            if (newer is { Entry: { } changed } later && entry?.Digest != changed.Digest)
            {
                Add(later.Commit, changed);
            }

            if (versions.Count >= limit)
            {
                break;
            }

            newer = (commit, entry);
        }

        if (versions.Count < limit && newer is { Entry: { } first } oldest)
        {
            Add(oldest.Commit, first); // the first commit of the history has the path: it wrote it
        }

        s.Out.Write(versions, v => (["COMMIT", "NAME", "TYPE", "COMMITTED", "SIZE", "HASH"], v.Select(x => new[]
        {
            x.Commit, x.Path, x.Type, Cli.Ago(x.Committed), Cli.Bytes(x.Size), x.Hash[..16],
        })));
    }
}

/// <summary>One version of a file: the commit that wrote it, when, and its content's size and hash.</summary>
internal sealed record FileVersion(string Commit, string Branch, string Path, string Type, DateTimeOffset Committed, long Size, string Hash);
