using System.CommandLine;
using System.Reflection;
using PipeBuild.Core;
using PipeBuild.Core.Pipelines;
using PipeBuild.Engine;
using PipeBuild.Store;
using PipeBuild.Store.Local;
using PipeBuild.Store.S3;

namespace PipeBuild.Cli.Commands;

/// <summary><c>init</c>, <c>version</c>, <c>fsck</c>, <c>gc</c>.</summary>
internal static class WorkspaceCommands
{
    public static Command Init()
    {
        var directory = new Argument<string?>("dir") { Description = "Folder to make a workspace (default: the current folder).", Arity = ArgumentArity.ZeroOrOne };
        var store = new Option<string>("--store") { Description = "Where data lives: local (in .pipe/), or s3://BUCKET/PREFIX (credentials from the AWS environment or profile).", DefaultValueFactory = _ => "local" };
        var endpoint = new Option<string?>("--s3-endpoint") { Description = "URL of an S3-compatible server for an s3:// store (default: AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL, else AWS)." };
        var branch = new Option<string>("--default-branch") { Description = "The branch a reference without @BRANCH names, pipeline inputs without a Branch read, and pipelines write to.", DefaultValueFactory = _ => CommitRef.DefaultBranch };
        var executor = new Option<string?>("--executor")
        {
            Description = "Where the datums of a pipeline whose file names no executor run: local (default), docker or kubernetes (dotnet pipe config set executor changes it later).",
        };
        executor.AcceptOnlyFromAmong([.. ExecutorNames.All]);
        return Cli.Command("init", "Make the current folder (or DIR) a PipeBuild workspace.", [directory, store, endpoint, branch, executor], async (s, ct) =>
        {
            var root = s.FullPath(s.Get(directory) ?? s.Parse.GetValue(GlobalOptions.Workspace) ?? ".");
            var config = new WorkspaceConfig(s.Get(store), Names.Validate(s.Get(branch), "branch"), s.Get(endpoint), Executor: s.Get(executor));
            Workspace.EnsureNone(root);
            string? writes = null;
            string location;
            try
            {
                await using (var objects = Workspace.OpenObjectStore(root, config))
                {
                    location = objects is S3ObjectStore ? objects.Location : config.Store;
                    if (objects is S3ObjectStore s3)
                    {
                        // Reaches the bucket now (so bad credentials fail init, not the first put) and records how it swaps documents.
                        writes = await s3.GetWriteModeAsync(ct) == S3WriteMode.ConditionalWrites ? "conditional writes" : "leases (the server ignores conditional writes)";
                    }

                    await StoreFormat.InitializeAsync(objects, ct);
                }

                Workspace.Init(root, config);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new PipeException(ErrorCodes.OutputUnwritable, $"cannot make a workspace in '{root}': {e.Message}");
            }

            s.Out.Result(new InitResult(root, config.Store, writes), $"Initialized a PipeBuild workspace in {root} (store: {location}{(writes is null ? "" : $"; compare-and-swap by {writes}")}).");
            return ExitCodes.Ok;
        });
    }

    public static Command Version() =>
        Cli.Command("version", "Show the version of dotnet pipe.", [], (s, _) =>
        {
            var version = typeof(WorkspaceCommands).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
            s.Out.Write(new VersionResult("dotnet-pipe", version), v => (["COMPONENT", "VERSION"], [[v.Component, v.Version]]));
            return Task.FromResult(ExitCodes.Ok);
        });

    public static Command Fsck() =>
        Cli.Command("fsck", "Verify every object's hash, that every branch, commit and tree is complete, and that job records, datum tables, stored results and last-success pointers name what exists.", [], async (s, ct) =>
        {
            if (s.Store.Objects is LocalObjectStore local)
            {
                local.RemoveStaleTemporaryFiles(TimeSpan.FromMinutes(10));
            }

            var s3Cache = Path.Combine(s.Workspace.MetadataPath, "cache", "s3");
            if (Directory.Exists(s3Cache))
            {
                Directory.Delete(s3Cache, recursive: true); // fsck verifies the store itself, not local copies of it
            }

            var store = await new StoreMaintenance(s.Store).FsckAsync(ct);
            var engine = await new EngineFsck(s.Store).RunAsync(ct);
            var report = new FsckResult(store.Objects, store.Commits, engine.Jobs, engine.Results, [.. store.Problems, .. engine.Problems]);
            if (s.Out.IsJson)
            {
                s.Out.Json(report);
            }
            else
            {
                foreach (var problem in report.Problems)
                {
                    s.Console.Out.WriteLine($"problem: {problem}");
                }

                var checkedAll = $"{report.Objects} objects, {report.Commits} commits, {report.Jobs} job records and {report.Results} datum results";
                s.Console.Out.WriteLine(report.IsClean ? $"ok: {checkedAll} verified." : $"{report.Problems.Count} problem(s) in {checkedAll}.");
            }

            if (!report.IsClean)
            {
                throw new PipeException(ErrorCodes.Corrupt, $"the store at {s.Store.Objects.Location} has {report.Problems.Count} problem(s) (listed above).", ExitCodes.InternalError);
            }

            return ExitCodes.Ok;
        });

    public static Command Gc()
    {
        var grace = new Option<int>("--grace") { Description = "Keep unreachable commits and objects younger than this many minutes (writes in progress; at most 100 years).", DefaultValueFactory = _ => 60 }.Between(0, 52_560_000);
        return Cli.Command("gc", "Remove commits that no branch, job or provenance reaches (left by killed commands, or deleted), objects that no commit, stored datum result or job record reaches, and the scratch folders of jobs that are not running.", [grace], async (s, ct) =>
        {
            var report = await new StoreMaintenance(s.Store).CollectAsync(TimeSpan.FromMinutes(s.Get(grace)), ct, s.Engine.GcRoots(ct));
            var statCache = Path.Combine(s.Workspace.MetadataPath, "cache", "stat");
            if (File.Exists(statCache))
            {
                File.Delete(statCache); // it may name collected objects
            }
            var scratch = await s.Engine.Jobs.RemoveStaleScratchAsync(ct);
            if (scratch > 0)
            {
                s.Out.Note($"removed {scratch} scratch folder(s) of jobs that are not running");
            }

            s.Out.Write(report, r => (["REACHABLE", "REMOVED", "FREED", "COMMITS REMOVED", "KEPT (YOUNG)"], [[r.Reachable.ToString(), r.Removed.ToString(), Cli.Bytes(r.BytesRemoved), r.CommitsRemoved.ToString(), r.KeptYoung.ToString()]]));
            return ExitCodes.Ok;
        });
    }
}
