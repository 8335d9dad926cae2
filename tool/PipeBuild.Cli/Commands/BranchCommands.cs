using System.CommandLine;
using PipeBuild.Core;

namespace PipeBuild.Cli.Commands;

/// <summary><c>branch create|list|delete</c>; <c>branch create --head</c> is how a branch is rolled back.</summary>
internal static class BranchCommands
{
    public static Command Create() => Cli.Group("branch", "Create, move, list and delete branches.", CreateBranch(), List(), Delete());

    private static Command CreateBranch()
    {
        var target = new Argument<string>("repo@branch") { Description = "The branch to create or move." };
        var head = new Option<string?>("--head") { Description = "Commit the branch points at: a branch, id or ancestry (master^, master~2, 1a2b3c...)." };
        var noRun = new Option<bool>("--no-run") { Description = "Do not run the pipelines that read this repo." };
        return Cli.Command("create", "Create a branch, or move it (--head master^ rolls back one commit); pipelines that read the repo run.", [target, head, noRun], async (s, ct) =>
        {
            var reference = s.BranchOnly(s.Get(target), "branch create");
            var headRef = s.Get(head) is { } h ? s.CommitOnly(h.Contains('@') ? h : $"{reference.Repo}@{h}", "branch create --head") : null;
            var branch = await s.Store.CreateBranchAsync(reference.Repo, reference.Base, headRef, ct);
            s.Out.Result(branch, $"branch {branch.Repo}@{branch.Name} -> {branch.Head ?? "(no commits)"}");
            return await s.RunDownstreamAsync(branch.Repo, s.Get(noRun), ct);
        });
    }

    private static Command List()
    {
        var repo = new Argument<string>("repo");
        return Cli.Command("list", "List a repo's branches.", [repo], async (s, ct) =>
        {
            var branches = await s.Store.ListBranchesAsync(s.Get(repo), ct);
            s.Out.Write(branches, b => (["BRANCH", "HEAD", "OPEN COMMIT"], b.Select(x => new[] { x.Name, x.Head ?? "-", x.Open ?? "-" })));
            return ExitCodes.Ok;
        });
    }

    private static Command Delete()
    {
        var target = new Argument<string>("repo@branch");
        return Cli.Command("delete", "Delete a branch (its commits stay in the repo's history).", [target], async (s, ct) =>
        {
            var reference = s.BranchOnly(s.Get(target), "branch delete");
            await s.Store.DeleteBranchAsync(reference.Repo, reference.Base, ct);
            s.Out.Result(new DeletedResult($"{reference.Repo}@{reference.Base}"), $"deleted branch {reference.Repo}@{reference.Base}");
            return ExitCodes.Ok;
        });
    }
}
