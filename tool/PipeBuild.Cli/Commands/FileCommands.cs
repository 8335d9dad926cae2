using System.CommandLine;
using PipeBuild.Core;
using PipeBuild.Engine;
using PipeBuild.Store;

namespace PipeBuild.Cli.Commands;

/// <summary><c>file put|get|list|history|copy|glob|diff|delete|lineage</c>.</summary>
internal static class FileCommands
{
    public static Command Create() =>
        Cli.Group("file", "Put, get, list, copy, glob, diff, delete files in repos, and trace their history and lineage.",
            Put(), Get(), List(), FileHistory.Create(), FileCopy.Create(), Glob(), Diff(), Delete(), Lineage());

    private static Command Put()
    {
        var target = new Argument<string>("repo@branch[:path]") { Description = "Where the data goes: a branch (or open commit) and an optional path." };
        var files = new Option<string[]>("--file", "-f") { Description = "A local file or folder, an http(s) URL, or - for stdin. Repeatable.", AllowMultipleArgumentsPerToken = false, Arity = ArgumentArity.OneOrMore, Required = true };
        var recursive = new Option<bool>("--recursive", "-r") { Description = "Put a folder and everything in it." };
        var append = new Option<bool>("--append", "-a") { Description = "Append to the file instead of replacing it." };
        var overwrite = new Option<bool>("--overwrite", "-o") { Description = "Replace the file (the default; accepted for pachctl compatibility)." };
        var commitFlag = new Option<bool>("-c") { Description = "Accepted for pachctl v1 compatibility: every put is committed unless the branch has an open commit." };
        var split = new Option<SplitFormat?>("--split") { Description = "Split the source into numbered files: line, json or csv." };
        split.AcceptOnlyFromAmong("line", "json", "csv");
        var datums = new Option<int>("--target-file-datums") { Description = "With --split: records per file.", DefaultValueFactory = _ => 1 }.AtLeast(1);
        var bytes = new Option<long>("--target-file-bytes") { Description = "With --split: close a file once it has this many bytes (0: no limit)." }.AtLeast(0L);
        var headers = new Option<int>("--header-records") { Description = "With --split csv: leading records repeated at the top of every file." }.AtLeast(0);
        var message = new Option<string?>("--message", "-m") { Description = "Description of the commit this put makes." };
        var noRun = new Option<bool>("--no-run") { Description = "Do not run the pipelines that read this repo." };
        var parallelism = new Option<int>("--parallelism") { Description = "Files read and stored at once.", DefaultValueFactory = _ => Math.Max(2, Environment.ProcessorCount) }.AtLeast(1);
        return Cli.Command("put", "Put files into a repo: each put is a new commit (or goes into the branch's open commit).",
            [target, files, recursive, append, overwrite, commitFlag, split, datums, bytes, headers, message, parallelism, noRun], async (s, ct) =>
            {
                var reference = s.Ref(s.Get(target));
                var request = new PutRequest(reference, [.. s.Get(files).Select(f => FilePut.IsLocal(f) ? s.FullPath(f) : f)], s.Get(recursive), s.Get(append), s.Get(split), s.Get(datums), s.Get(bytes), s.Get(headers));
                await s.Store.EnsureWritableAsync(reference, ct);
                var entries = await FilePut.StoreSourcesAsync(s, request, s.Get(parallelism), ct);
                var commit = await s.Store.WriteAsync(reference, s.Get(message), (editor, token) => FilePut.ApplyAsync(s.Store, editor, request, entries, token), ct, await s.OriginAsync(reference.Repo, ct));
                var total = entries.Bytes;
                s.Out.Result(
                    new PutResult(commit.Id, commit.Repo, commit.Branch, entries.Count, total, commit.IsOpen),
                    $"put {entries.Count} file(s), {Cli.Bytes(total)}, into {commit.Repo}@{commit.Branch} ({(commit.IsOpen ? "open commit" : "commit")} {commit.Id})");
                return await s.RunDownstreamAsync(commit.Repo, s.Get(noRun) || commit.IsOpen, ct);
            });
    }

    private static Command Get()
    {
        var source = new Argument<string>("repo@ref:path") { Description = "The file or folder to get." };
        var recursive = new Option<bool>("--recursive", "-r") { Description = "Get a folder and everything in it." };
        var output = new Option<string?>("--output", "-o") { Description = "Write here (a file, or a folder with -r) instead of to stdout." }.NotEmpty("a path");
        return Cli.Command("get", "Get a file (to stdout or -o), or a folder with -r -o DIR.", [source, recursive, output], async (s, ct) =>
        {
            var reference = s.Ref(s.Get(source));
            var commit = await s.Store.ResolveAsync(reference, ct);
            var path = reference.NormalizedPath;
            var entry = await s.Store.GetExistingEntryAsync(commit, path, ct);
            await FileGet.RunAsync(s, path, entry, s.Get(recursive), s.Get(output) is { } target ? s.FullPath(target) : null, ct);
            return ExitCodes.Ok;
        }, formatOption: false);
    }

    private static Command List()
    {
        var source = new Argument<string>("repo@ref[:path]");
        var history = FileHistory.Option("0");
        return Cli.Command("list", "List the files and folders at a path (the root by default); with --history, the path's versions (as 'file history').", [source, history], async (s, ct) =>
        {
            if (FileHistory.Limit(s.Get(history)) is > 0 and var limit)
            {
                await FileHistory.WriteAsync(s, s.Get(source), limit, ct);
                return ExitCodes.Ok;
            }

            var reference = s.Ref(s.Get(source));
            var commit = await s.Store.ResolveAsync(reference, ct);
            var path = reference.NormalizedPath;
            var entry = await s.Store.GetExistingEntryAsync(commit, path, ct);
            var rows = entry.IsDirectory
                ? (await s.Store.Content.ReadTreeAsync(entry.Hash, ct)).Select(e => FileRow.Of(RepoPath.Combine(path, e.Name), e)).ToList()
                : [FileRow.Of(path, entry)];
            s.Out.Write(rows, FileRow.Table);
            return ExitCodes.Ok;
        });
    }

    private static Command Glob()
    {
        var source = new Argument<string>("repo@ref:pattern") { Description = "A glob over paths, as in Pachyderm: /*, /data/*.csv, /**/*.json." };
        return Cli.Command("glob", "List the files and folders whose paths match a glob pattern.", [source], async (s, ct) =>
        {
            var reference = s.Ref(s.Get(source));
            var commit = await s.Store.ResolveAsync(reference, ct);
            var matches = await s.Store.GlobAsync(commit, GlobPattern.Parse(reference.Path ?? "/"), ct).ToListAsync(ct);
            s.Out.Write(matches.Select(m => FileRow.Of(m.Path, m.Entry)).ToList(), FileRow.Table);
            return ExitCodes.Ok;
        });
    }

    private static Command Diff()
    {
        var newer = new Argument<string>("new") { Description = "repo@ref[:path] to compare." };
        var older = new Argument<string?>("old") { Description = "repo@ref[:path] to compare with (default: the parent of new).", Arity = ArgumentArity.ZeroOrOne };
        var nameOnly = new Option<bool>("--name-only") { Description = "Print only the paths that differ." };
        var stat = new Option<bool>("--stat") { Description = "Print a table of the files that differ (status, path, sizes) instead of their lines." };
        return Cli.Command("diff", "Show the lines added and removed in each file that differs between two commits (as pachctl diff file and git diff do).", [newer, older, nameOnly, stat], async (s, ct) =>
        {
            if (s.Get(stat) && s.Get(nameOnly))
            {
                throw new PipeException(ErrorCodes.InvalidArguments, "--stat and --name-only cannot be used together.");
            }

            var newRef = s.Ref(s.Get(newer));
            var oldRef = s.Get(older) is { } o ? s.Ref(o) : null;
            var newPath = newRef.Path is not null ? newRef.NormalizedPath : null;
            var oldPath = oldRef?.Path is not null ? oldRef.NormalizedPath : null;
            if (newPath is not null && oldPath is not null && newPath != oldPath)
            {
                // One path at two commits: comparing two paths would need a rename model the store does not have.
                throw new PipeException(ErrorCodes.InvalidArguments, $"file diff compares one path at two commits, and '{s.Get(newer)}' and '{s.Get(older)}' name different paths ('{RepoPath.Display(newPath)}', '{RepoPath.Display(oldPath)}'). Give the path on one side, or the same path on both.");
            }

            var newCommit = await s.Store.ResolveAsync(newRef, ct);
            CommitInfo? oldCommit = oldRef is not null ? await s.Store.ResolveAsync(oldRef, ct)
                : newCommit.Parent is { } parent ? await s.Store.GetCommitAsync(newCommit.Repo, parent, ct) : null;
            var path = newPath ?? oldPath ?? RepoPath.Root;
            var changes = await s.Store.DiffAsync(
                oldCommit is null ? null : await s.Store.GetEntryAsync(oldCommit, path, ct),
                await s.Store.GetEntryAsync(newCommit, path, ct),
                path,
                ct);
            if (s.Out.IsJson || s.Get(stat))
            {
                s.Out.Write(changes, c => (["STATUS", "PATH", "OLD SIZE", "NEW SIZE"], c.Select(x => new[]
                {
                    x.Kind.ToString().ToLowerInvariant(), RepoPath.Display(x.Path), x.OldSize is { } a ? Cli.Bytes(a) : "-", x.NewSize is { } b ? Cli.Bytes(b) : "-",
                })));
            }
            else if (s.Get(nameOnly))
            {
                foreach (var change in changes)
                {
                    s.Console.Out.WriteLine(RepoPath.Display(change.Path));
                }
            }
            else
            {
                foreach (var change in changes)
                {
                    s.Console.Out.Write((await FileLineDiff.ComputeAsync(s.Store, oldCommit, newCommit, change, ct)).ToUnified());
                }
            }

            return ExitCodes.Ok;
        });
    }

    private static Command Lineage()
    {
        var source = new Argument<string>("repo@ref:path") { Description = "A file at a commit (a branch, a commit id or prefix, master^...)." };
        var downstream = new Option<bool>("--downstream") { Description = "Follow what was built from the file instead of where it came from." };
        return Cli.Command("lineage", "Show where a file came from: the job and datum that wrote it and the input files (at their commits) that datum read, back to the files users put; or, with --downstream, every file built from it.", [source, downstream], async (s, ct) =>
        {
            var reference = s.Ref(s.Get(source));
            var commit = await s.Store.ResolveAsync(reference, ct);
            var path = reference.NormalizedPath;
            if ((await s.Store.GetExistingEntryAsync(commit, path, ct)).IsDirectory)
            {
                throw new PipeException(ErrorCodes.NotAFile, $"{commit.Repo}@{commit.Id[..12]}:{RepoPath.Display(path)} is a folder: lineage follows files. 'dotnet pipe file list' shows what it holds.");
            }

            var lineage = new FileLineage(s.Store, s.Engine);
            var up = !s.Get(downstream);
            var root = up ? await lineage.UpstreamAsync(commit.Repo, commit.Id, path, ct) : await lineage.DownstreamAsync(commit.Repo, commit.Id, path, ct);
            if (s.Out.IsJson)
            {
                s.Out.Json(root);
            }
            else
            {
                WriteLineage(s.Console.Out, root, up, "");
            }

            return ExitCodes.Ok;
        });
    }

    /// <summary>
    /// A lineage as an indented tree: each file with how it was made (or what read it), its links one level deeper,
    /// each behind "&lt;-" (came from) or "-&gt;" (built into).
    /// </summary>
    private static void WriteLineage(TextWriter output, LineageNode node, bool up, string indent, string arrow = "")
    {
        var how = node.Job is null ? "" : $"  ({(up ? "written" : "built")} by pipeline {node.Pipeline}, job {node.Job[..12]}{(node.Datum is { } d ? $", datum {d[..12]} reading {node.DatumInputs}" : "")})";
        var origin = up && node.Pipeline is null ? "  (put by a user)" : "";
        output.WriteLine($"{indent}{arrow}{node.Repo}@{node.Commit[..12]}:{RepoPath.Display(node.Path)}{how}{origin}");
        if (node.Note is { } note)
        {
            output.WriteLine($"{indent}{new string(' ', arrow.Length)}  {note}");
        }

        foreach (var link in node.Links)
        {
            WriteLineage(output, link, up, indent + new string(' ', arrow.Length) + "  ", up ? "<- " : "-> ");
        }
    }

    private static Command Delete()
    {
        var target = new Argument<string>("repo@branch:path");
        var recursive = new Option<bool>("--recursive", "-r") { Description = "Accepted for compatibility: deleting a folder always deletes what it holds." };
        var message = new Option<string?>("--message", "-m") { Description = "Description of the commit this delete makes." };
        var noRun = new Option<bool>("--no-run") { Description = "Do not run the pipelines that read this repo." };
        return Cli.Command("delete", "Delete a file or folder (a new commit, or in the branch's open commit).", [target, recursive, message, noRun], async (s, ct) =>
        {
            var reference = s.Ref(s.Get(target));
            var path = reference.NormalizedPath;
            var commit = await s.Store.WriteAsync(reference, s.Get(message), async (editor, token) =>
            {
                if (!await editor.DeleteAsync(path, token))
                {
                    throw new PipeException(ErrorCodes.PathNotFound, $"'{RepoPath.Display(path)}' not found in {reference.Repo}@{reference.Base}; nothing was deleted.");
                }
            }, ct);
            s.Out.Result(new DeletedResult(RepoPath.Display(path), commit.Id), $"deleted {RepoPath.Display(path)} from {commit.Repo}@{commit.Branch} ({(commit.IsOpen ? "open commit" : "commit")} {commit.Id})");
            return await s.RunDownstreamAsync(commit.Repo, s.Get(noRun) || commit.IsOpen, ct);
        });
    }
}
