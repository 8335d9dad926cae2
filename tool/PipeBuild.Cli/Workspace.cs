using PipeBuild.Core;
using PipeBuild.Store;
using PipeBuild.Store.Local;

namespace PipeBuild.Cli;

/// <summary>
/// A folder holding <c>.pipe/</c>: found by walking up from the current folder (as git finds <c>.git</c>),
/// or named with <c>--workspace</c> / <c>PIPE_WORKSPACE</c>.
/// </summary>
internal sealed class Workspace
{
    public const string MetadataFolder = ".pipe";

    private Workspace(string root, WorkspaceConfig config)
    {
        Root = root;
        Config = config;
    }

    public string Root { get; }

    public WorkspaceConfig Config { get; }

    public string MetadataPath => Path.Combine(Root, MetadataFolder);

    public static string ConfigPath(string root) => Path.Combine(root, MetadataFolder, "config.json");

    public static Workspace Find(string? explicitRoot)
    {
        var start = explicitRoot ?? Environment.GetEnvironmentVariable("PIPE_WORKSPACE") ?? Directory.GetCurrentDirectory();
        for (var dir = new DirectoryInfo(Path.GetFullPath(start)); dir is not null; dir = dir.Parent)
        {
            var config = ConfigPath(dir.FullName);
            if (File.Exists(config))
            {
                return new Workspace(dir.FullName, WorkspaceConfig.Load(config));
            }

            if (explicitRoot is not null)
            {
                break;
            }
        }

        throw new PipeException(
            ErrorCodes.NoWorkspace,
            $"no PipeBuild workspace at or above '{start}'. Run 'dotnet pipe init' to make one here, or pass --workspace DIR.");
    }

    public static Workspace Init(string root, WorkspaceConfig config)
    {
        var path = ConfigPath(root);
        if (File.Exists(path))
        {
            throw new PipeException(ErrorCodes.WorkspaceExists, $"'{root}' is already a PipeBuild workspace ({path} exists).");
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        config.Save(path);
        return new Workspace(Path.GetFullPath(root), config);
    }

    /// <summary>A store without a workspace folder, for a worker in a pod that only knows where the store is.</summary>
    public static Workspace ForStore(string store) =>
        store is "local"
            ? throw new PipeException(ErrorCodes.InvalidArguments, "a worker's --store (PIPE_STORE) must be a shared store such as s3://bucket/prefix; for a local workspace pass --workspace DIR instead.")
            : new Workspace(Path.Combine(Path.GetTempPath(), "pipebuild-worker"), new WorkspaceConfig(store));

    public IObjectStore OpenObjectStore() => Config.Store switch
    {
        "local" => new LocalObjectStore(MetadataPath),
        var other => throw new PipeException(
            ErrorCodes.InvalidConfig,
            $"{ConfigPath(Root)}: store '{other}' is not supported by this version; use \"local\"."),
    };

    public StatCache OpenStatCache() => StatCache.Load(Path.Combine(MetadataPath, "cache", "stat"));
}
