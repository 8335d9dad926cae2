using System.CommandLine;
using PipeBuild.Core;
using PipeBuild.Store;
using PipeBuild.Store.S3;

namespace PipeBuild.Cli.Commands;

/// <summary><c>store sync push|pull</c>: copy history between this workspace's store and another (S3 or a local workspace).</summary>
internal static class StoreCommands
{
    public static Command Create() =>
        Cli.Group(
            "store",
            "Work with the store itself.",
            Cli.Group("sync", "Copy commits, the objects they reach, and branches between this workspace's store and another; incremental, branches only move forward.", Sync(push: true), Sync(push: false)));

    private static Command Sync(bool push)
    {
        var other = new Argument<string>("store") { Description = "The other store: s3://BUCKET/PREFIX, or the folder of another workspace." };
        var endpoint = new Option<string?>("--s3-endpoint") { Description = "URL of an S3-compatible server for an s3:// store (default: this workspace's s3Endpoint, AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL)." };
        var (name, description) = push
            ? ("push", "Copy this workspace's history to STORE.")
            : ("pull", "Copy STORE's history into this workspace.");
        return Cli.Command(name, description, [other, endpoint], async (s, ct) =>
        {
            await using var otherObjects = Open(s.Workspace, s.Console, s.Get(other), s.Get(endpoint));
            if (otherObjects.Location == s.Store.Objects.Location)
            {
                throw new PipeException(ErrorCodes.SyncTarget, $"'{s.Get(other)}' is this workspace's own store ({otherObjects.Location}); name another store.");
            }

            await StoreFormat.CheckAsync(otherObjects, ct);
            var otherStore = new VersionStore(otherObjects);
            var (from, to) = push ? (s.Store, otherStore) : (otherStore, s.Store);
            var progress = s.Console.IsErrorRedirected ? null : new Progress<string>(branch => s.Out.Note($"syncing {branch}"));
            var report = await new StoreSync(from, to, progress).RunAsync(ct);
            s.Out.Write(report, r => (["REPOS", "COMMITS COPIED", "OBJECTS COPIED", "BYTES", "BRANCHES MOVED", "BRANCHES AHEAD THERE"],
                [[r.Repos.ToString(), r.Commits.ToString(), r.Objects.ToString(), Cli.Bytes(r.Bytes), string.Join(",", r.BranchesMoved), string.Join(",", r.BranchesAhead)]]));
            return ExitCodes.Ok;
        });
    }

    private static IObjectStore Open(Workspace workspace, PipeConsole console, string store, string? endpoint)
    {
        if (S3StoreUrl.IsS3(store))
        {
            return new S3ObjectStore(Workspace.S3Options(workspace.Root, workspace.Config, S3StoreUrl.Parse(store), endpoint));
        }

        var root = console.FullPath(store);
        var config = Workspace.ConfigPath(root);
        if (!File.Exists(config))
        {
            throw new PipeException(ErrorCodes.SyncTarget, $"'{store}' is neither an s3://BUCKET/PREFIX store nor a PipeBuild workspace (no {config}).");
        }

        return Workspace.OpenObjectStore(root, WorkspaceConfig.Load(config));
    }
}
