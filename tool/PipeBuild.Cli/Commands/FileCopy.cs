using System.CommandLine;
using PipeBuild.Core;
using PipeBuild.Store;

namespace PipeBuild.Cli.Commands;

/// <summary>
/// <c>file copy</c> (pachctl's <c>copy file</c>): a file or folder of any repo and commit placed on a branch as one
/// commit. Trees name content by hash, so the copy is tree entries pointing at the objects already stored: no byte of
/// the data is read or written again.
/// </summary>
internal static class FileCopy
{
    public static Command Create()
    {
        var source = new Argument<string>("src-repo@ref:path") { Description = "The file or folder to copy, at a branch or commit of any repo." };
        var target = new Argument<string>("dst-repo@branch:path") { Description = "Where it goes: a branch (or open commit) and a path." };
        var message = new Option<string?>("--message", "-m") { Description = "Description of the commit this copy makes." };
        var noRun = new Option<bool>("--no-run") { Description = "Do not run the pipelines that read the destination repo." };
        return Cli.Command("copy", "Copy a file or folder to another path, branch or repo as one commit, without copying its data.", [source, target, message, noRun], async (s, ct) =>
        {
            var from = s.Ref(s.Get(source));
            var commit = await s.Store.ResolveAsync(from, ct);
            var fromPath = from.NormalizedPath;
            var entry = await s.Store.GetExistingEntryAsync(commit, fromPath, ct);
            var to = s.Ref(s.Get(target));
            var toPath = to.NormalizedPath;
            await s.Store.EnsureWritableAsync(to, ct);
            var files = new List<(string Path, FileContent Content)>();
            await foreach (var (path, file) in s.Store.WalkFilesAsync(fromPath, entry, ct))
            {
                files.Add((entry.IsDirectory ? RepoPath.Combine(toPath, path[(fromPath.Length == 0 ? 0 : fromPath.Length + 1)..]) : toPath, file.Content));
            }

            var written = await s.Store.WriteAsync(to, s.Get(message), async (editor, token) =>
            {
                foreach (var (path, content) in files)
                {
                    await editor.SetFileAsync(path, content, token);
                }
            }, ct);
            s.Out.Result(
                new PutResult(written.Id, written.Repo, written.Branch, files.Count, entry.Size, written.IsOpen),
                $"copied {files.Count} file(s), {Cli.Bytes(entry.Size)}, from {commit.Repo}@{commit.Id}:{RepoPath.Display(fromPath)} to {written.Repo}@{written.Branch}:{RepoPath.Display(toPath)} ({(written.IsOpen ? "open commit" : "commit")} {written.Id})");
            return await s.RunDownstreamAsync(written.Repo, s.Get(noRun) || written.IsOpen, ct);
        });
    }
}
