using System.CommandLine;
using PipeBuild.Core;
using PipeBuild.Store;

namespace PipeBuild.Cli.Commands;

/// <summary><c>branch create|inspect|list|delete</c>; <c>branch create --head</c> is how a branch is rolled back, <c>--trigger</c> how it follows another in batches.</summary>
internal static class BranchCommands
{
    public static Command Create() => Cli.Group("branch", "Create, move, inspect, list and delete branches.", CreateBranch(), Inspect(), List(), Delete());

    private static Command CreateBranch()
    {
        var target = new Argument<string>("repo@branch") { Description = "The branch to create or move." };
        var head = new Option<string?>("--head") { Description = "Commit the branch points at: a branch, id or ancestry (master^, master~2, 1a2b3c...)." };
        var trigger = new Option<string?>("--trigger") { Description = "Move this branch to the head of that branch (master) only when a --trigger-* condition holds, so what reads it runs in batches." };
        var size = new Option<string?>("--trigger-size") { Description = "With --trigger: when this much data was added since the branch's head (1M, 100MB, 1Gi)." };
        var commits = new Option<int?>("--trigger-commits") { Description = "With --trigger: when this many commits were made since the branch's head." };
        var cron = new Option<string?>("--trigger-cron") { Description = "With --trigger: when a tick of this schedule passed since (a cron expression, or @every 1h)." };
        var all = new Option<bool>("--trigger-all") { Description = "With --trigger: only when every condition given holds, not any one." };
        var noRun = new Option<bool>("--no-run") { Description = "Do not run the pipelines that read this repo." };
        return Cli.Command("create", "Create a branch, or move it (--head master^ rolls back one commit), or set its trigger; pipelines that read the repo run.", [target, head, trigger, size, commits, cron, all, noRun], async (s, ct) =>
        {
            var reference = s.BranchOnly(s.Get(target), "branch create");
            var headRef = s.Get(head) is { } h ? s.CommitOnly(h.Contains('@') ? h : $"{reference.Repo}@{h}", "branch create --head") : null;
            var conditions = s.Get(trigger) is { } source
                ? new BranchTrigger(source) { Size = s.Get(size), Commits = s.Get(commits), Cron = s.Get(cron), All = s.Get(all) }
                : null;
            if (conditions is null && new Option[] { size, commits, cron, all }.FirstOrDefault(o => s.Parse.GetResult(o) is { Implicit: false }) is { } stray)
            {
                throw new PipeException(ErrorCodes.InvalidArguments, $"{stray.Name} needs --trigger, the branch whose commits '{reference}' follows.");
            }

            if (conditions?.Problem(reference.Base) is { } problem)
            {
                throw new PipeException(ErrorCodes.InvalidArguments, $"{(problem.Field == "branch" ? trigger.Name : $"--trigger-{problem.Field}")}: {problem.Message}");
            }

            // The trigger first, so a refused one (a cycle) leaves the branch as it was; an explicit --head then has the last word.
            var branch = conditions is null ? null : await s.Store.SetTriggerAsync(reference.Repo, reference.Base, conditions, ct);
            if (headRef is not null || branch is null)
            {
                branch = await s.Store.CreateBranchAsync(reference.Repo, reference.Base, headRef, ct);
            }

            branch = await WithTriggerAsync(s, branch, ct);
            s.Out.Result(branch, $"branch {branch.Repo}@{branch.Name} -> {branch.Head ?? "(no commits)"}{(branch.Trigger is { } t ? $", triggered by {t}" : "")}");
            return await s.RunDownstreamAsync(branch.Repo, s.Get(noRun), ct);
        });
    }

    private static Command Inspect()
    {
        var target = new Argument<string>("repo@branch");
        return Cli.Command("inspect", "Show a branch: its head, open commit and trigger.", [target], async (s, ct) =>
        {
            var reference = s.BranchOnly(s.Get(target), "branch inspect");
            var branch = await s.Store.TryGetBranchAsync(reference.Repo, reference.Base, ct) is { } found
                ? await WithTriggerAsync(s, found, ct)
                : throw new PipeException(ErrorCodes.BranchNotFound, $"branch '{reference.Base}' not found in repo '{reference.Repo}'. 'dotnet pipe branch list {reference.Repo}' shows the branches.");
            s.Out.Result(branch, $"""
                Branch: {branch.Repo}@{branch.Name}
                Head: {branch.Head ?? "-"}
                Open commit: {branch.Open ?? "-"}
                Trigger: {branch.Trigger?.ToString() ?? "-"}
                """);
            return ExitCodes.Ok;
        });
    }

    private static Command List()
    {
        var repo = new Argument<string>("repo");
        return Cli.Command("list", "List a repo's branches.", [repo], async (s, ct) =>
        {
            var branches = new List<BranchInfo>();
            foreach (var branch in await s.Store.ListBranchesAsync(s.Get(repo), ct))
            {
                branches.Add(await WithTriggerAsync(s, branch, ct));
            }

            s.Out.Write<IReadOnlyList<BranchInfo>>(branches, b => (["BRANCH", "HEAD", "OPEN COMMIT", "TRIGGER"], b.Select(x => new[] { x.Name, x.Head ?? "-", x.Open ?? "-", x.Trigger?.ToString() ?? "-" })));
            return ExitCodes.Ok;
        });
    }

    private static async Task<BranchInfo> WithTriggerAsync(Session s, BranchInfo branch, CancellationToken ct) =>
        branch with { Trigger = await s.Store.GetTriggerAsync(branch.Repo, branch.Name, ct) };

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
