using System.CommandLine;
using PipeBuild.Core;
using PipeBuild.Store;

namespace PipeBuild.Cli.Commands;

/// <summary><c>repo create|list|inspect|delete</c>.</summary>
internal static class RepoCommands
{
    public static Command Create()
    {
        return Cli.Group("repo", "Create, list, inspect and delete repos.", CreateRepo(), List(), Inspect(), Delete());
    }

    private static Command CreateRepo()
    {
        var name = new Argument<string>("name") { Description = "Repo name: letters, digits, '_' or '-'." };
        var description = new Option<string?>("--description", "-d") { Description = "What the repo holds." };
        return Cli.Command("create", "Create a repo.", [name, description], async (s, ct) =>
        {
            var repo = await s.Store.CreateRepoAsync(s.Get(name), s.Get(description), ct);
            s.Out.Result(repo, $"created repo '{repo.Name}'");
            return ExitCodes.Ok;
        });
    }

    private static Command List() =>
        Cli.Command("list", "List repos.", [], async (s, ct) =>
        {
            var rows = new List<RepoSummary>();
            foreach (var repo in await s.Store.ListReposAsync(ct))
            {
                rows.Add(await SummarizeAsync(s, repo, ct));
            }

            s.Out.Write(rows, r => (["NAME", "CREATED", "SIZE (MASTER)", "BRANCHES", "DESCRIPTION"],
                r.Select(x => new[] { x.Name, Cli.Ago(x.Created), Cli.Bytes(x.Size), string.Join(",", x.Branches), x.Description ?? "" })));
            return ExitCodes.Ok;
        });

    private static Command Inspect()
    {
        var name = new Argument<string>("name");
        return Cli.Command("inspect", "Show a repo's details.", [name], async (s, ct) =>
        {
            var summary = await SummarizeAsync(s, await s.Store.GetRepoAsync(s.Get(name), ct), ct);
            s.Out.Write(summary, x => (["FIELD", "VALUE"],
            [
                ["Name", x.Name], ["Description", x.Description ?? ""], ["Created", x.Created.ToString("u")],
                [$"Size of {s.DefaultBranch}", Cli.Bytes(x.Size)], ["Branches", string.Join(", ", x.Branches)],
            ]));
            return ExitCodes.Ok;
        });
    }

    private static Command Delete()
    {
        var name = new Argument<string>("name");
        var force = new Option<bool>("--force") { Description = "Delete even if a pipeline reads the repo." };
        return Cli.Command("delete", "Delete a repo and its history.", [name, force], async (s, ct) =>
        {
            await s.Store.DeleteRepoAsync(s.Get(name), s.Get(force) ? null : s.Engine.Registry.ReadersOfAsync, ct);
            s.Out.Result(new DeletedResult(s.Get(name)), $"deleted repo '{s.Get(name)}'");
            return ExitCodes.Ok;
        });
    }

    /// <summary>The repo with the size of its head on the workspace's default branch.</summary>
    private static async Task<RepoSummary> SummarizeAsync(Session s, RepoInfo repo, CancellationToken ct)
    {
        var branches = await s.Store.ListBranchesAsync(repo.Name, ct);
        var main = branches.FirstOrDefault(b => b.Name == s.DefaultBranch);
        var size = main?.Head is { } head ? (await s.Store.GetCommitAsync(repo.Name, head, ct)).Size : 0;
        return new RepoSummary(repo.Name, repo.Created, size, [.. branches.Select(b => b.Name)], repo.Description);
    }
}
