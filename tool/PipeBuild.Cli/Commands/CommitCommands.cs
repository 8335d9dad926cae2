using System.CommandLine;
using PipeBuild.Core;
using PipeBuild.Store;

namespace PipeBuild.Cli.Commands;

/// <summary><c>commit start|finish|list|inspect|wait|delete</c>.</summary>
internal static class CommitCommands
{
    public static Command Create() =>
        Cli.Group("commit", "Start, finish, list, inspect, wait for and delete commits.", Start(), Finish(), List(), Inspect(), Wait(), Delete());

    private static Option<string?> Message() => new("--message", "-m", "--description") { Description = "A description stored with the commit." };

    private static Command Start()
    {
        var target = new Argument<string>("repo@branch");
        var message = Message();
        return Cli.Command("start", "Open a commit on a branch; puts and deletes go into it until it is finished.", [target, message], async (s, ct) =>
        {
            var reference = s.BranchOnly(s.Get(target), "commit start");
            var commit = await s.Store.StartCommitAsync(reference.Repo, reference.Base, s.Get(message), ct, await s.OriginAsync(reference.Repo, ct));
            s.Out.Result(commit, commit.Id);
            return ExitCodes.Ok;
        });
    }

    private static Command Finish()
    {
        var target = new Argument<string>("repo@branch-or-id");
        var message = Message();
        var noRun = new Option<bool>("--no-run") { Description = "Do not run the pipelines that read this repo." };
        return Cli.Command("finish", "Finish an open commit: it becomes the branch's head and immutable; pipelines that read the repo run.", [target, message, noRun], async (s, ct) =>
        {
            var commit = await s.Store.FinishCommitAsync(s.CommitOnly(s.Get(target), "commit finish"), s.Get(message), ct);
            s.Out.Result(commit, $"finished {commit.Repo}@{commit.Id}");
            return await s.RunDownstreamAsync(commit.Repo, s.Get(noRun), ct);
        });
    }

    private static Command List()
    {
        var target = new Argument<string>("repo[@branch]");
        var number = new Option<int>("--number", "-n") { Description = "At most this many commits.", DefaultValueFactory = _ => 1000 }.AtLeast(1);
        return Cli.Command("list", "List commits, newest first.", [target, number], async (s, ct) =>
        {
            var text = s.Get(target);
            var reference = s.BranchOnly(text, "commit list");
            var commits = await s.Store.ListCommitsAsync(reference.Repo, text.Contains('@') ? reference.Base : null, s.Get(number), ct);
            s.Out.Write(commits, c => (["REPO", "BRANCH", "COMMIT", "PARENT", "STARTED", "FINISHED", "SIZE", "ORIGIN", "DESCRIPTION"],
                c.Select(x => new[]
                {
                    x.Repo, x.Branch, x.Id, x.Parent ?? "-", Cli.Ago(x.Started), x.IsOpen ? "open" : Cli.Ago(x.Finished), Cli.Bytes(x.Size), x.Origin, x.Description ?? "",
                })));
            return ExitCodes.Ok;
        });
    }

    private static Command Inspect()
    {
        var target = new Argument<string>("repo@ref");
        return Cli.Command("inspect", "Show a commit: parent, tree, size, origin and provenance.", [target], async (s, ct) =>
        {
            var reference = s.CommitOnly(s.Get(target), "commit inspect");
            var commit = await s.Store.ResolveAsync(reference, ct);
            s.Out.Write(commit, c => (["FIELD", "VALUE"],
            [
                ["Commit", $"{c.Repo}@{c.Id}"], ["Branch", c.Branch], ["Parent", c.Parent ?? "-"], ["Started", c.Started.ToString("u")],
                ["Finished", c.Finished?.ToString("u") ?? "open"], ["Size", Cli.Bytes(c.Size)], ["Tree", c.Tree], ["Origin", c.Origin],
                ["Description", c.Description ?? ""],
                ["Provenance", c.Provenance.Count == 0 ? "-" : string.Join(", ", c.Provenance.Select(p => $"{p.Repo}@{p.Commit} ({p.Branch})"))],
            ]));
            return ExitCodes.Ok;
        });
    }

    private static Command Wait()
    {
        var target = new Argument<string>("repo@ref");
        var timeout = new Option<int>("--timeout") { Description = "Give up after this many seconds (0: wait forever).", DefaultValueFactory = _ => 0 }.AtLeast(0);
        return Cli.Command("wait", "Wait until a commit is finished.", [target, timeout], async (s, ct) =>
        {
            var reference = s.CommitOnly(s.Get(target), "commit wait");
            var deadline = s.Get(timeout) > 0 ? DateTimeOffset.UtcNow.AddSeconds(s.Get(timeout)) : DateTimeOffset.MaxValue;
            var commit = await s.Store.ResolveAsync(reference, ct);
            while (commit.IsOpen)
            {
                if (DateTimeOffset.UtcNow > deadline)
                {
                    throw new PipeException(ErrorCodes.Timeout, $"commit {commit.Repo}@{commit.Id} is still open after {s.Get(timeout)} s.");
                }

                await Task.Delay(200, ct);
                commit = await s.Store.GetCommitAsync(commit.Repo, commit.Id, ct);
            }

            s.Out.Result(commit, $"{commit.Repo}@{commit.Id} finished");
            return ExitCodes.Ok;
        });
    }

    private static Command Delete()
    {
        var target = new Argument<string>("repo@ref");
        return Cli.Command("delete", "Discard an open commit, or remove a branch's newest commit.", [target], async (s, ct) =>
        {
            var commit = await s.Store.DeleteCommitAsync(s.CommitOnly(s.Get(target), "commit delete"), ct);
            s.Out.Result(new DeletedResult(commit.Id), $"deleted {commit.Repo}@{commit.Id}");
            return ExitCodes.Ok;
        });
    }
}
