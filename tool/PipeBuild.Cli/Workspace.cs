using PipeBuild.Core;
using PipeBuild.Core.Pipelines;
using PipeBuild.Engine;
using PipeBuild.Store;
using PipeBuild.Store.Local;
using PipeBuild.Store.S3;

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

    /// <summary>MiB of objects read from an S3 store that are kept on this machine, unless the workspace says otherwise.</summary>
    public const int DefaultS3CacheMiB = 2048;

    public string MetadataPath => Path.Combine(Root, MetadataFolder);

    public static string ConfigPath(string root) => Path.Combine(root, MetadataFolder, "config.json");

    public static Workspace Find(string? explicitRoot, PipeConsole console) =>
        TryFind(explicitRoot, console, out var start) ?? throw new PipeException(
            ErrorCodes.NoWorkspace,
            $"no PipeBuild workspace at or above '{start}'. Run 'dotnet pipe init' to make one here, or pass --workspace DIR.");

    /// <summary>The workspace at or above <paramref name="start"/> (which defaults to PIPE_WORKSPACE, else the current folder), or null.</summary>
    public static Workspace? TryFind(string? explicitRoot, PipeConsole console, out string start)
    {
        start = explicitRoot ?? console.Variable("PIPE_WORKSPACE") ?? console.WorkingDirectory;
        for (var dir = new DirectoryInfo(console.FullPath(start)); dir is not null; dir = dir.Parent)
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

        return null;
    }

    /// <summary>Makes <paramref name="root"/> (an absolute path) a workspace.</summary>
    public static Workspace Init(string root, WorkspaceConfig config)
    {
        EnsureNone(root);
        var path = ConfigPath(root);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        config.Save(path);
        return new Workspace(root, config);
    }

    /// <summary>A store without a workspace folder, for a worker in a pod that only knows where the store is.</summary>
    public static Workspace ForStore(string store) =>
        store is "local"
            ? throw new PipeException(ErrorCodes.InvalidArguments, "a worker's --store (PIPE_STORE) must be a shared store such as s3://bucket/prefix; for a local workspace pass --workspace DIR instead.")
            : new Workspace(Path.Combine(Path.GetTempPath(), "pipebuild-worker"), new WorkspaceConfig(store));

    /// <summary>Throws unless <paramref name="root"/> is not a workspace yet.</summary>
    public static void EnsureNone(string root)
    {
        var path = ConfigPath(root);
        if (File.Exists(path))
        {
            throw new PipeException(ErrorCodes.WorkspaceExists, $"'{root}' is already a PipeBuild workspace ({path} exists).");
        }
    }

    public IObjectStore OpenObjectStore() => OpenObjectStore(Root, Config);

    /// <summary>The store <paramref name="config"/> names for the workspace at <paramref name="root"/> (before it exists, for init).</summary>
    public static IObjectStore OpenObjectStore(string root, WorkspaceConfig config) => config.Store switch
    {
        "local" => new LocalObjectStore(Path.Combine(root, MetadataFolder)),
        var url when S3StoreUrl.IsS3(url) => new S3ObjectStore(S3Options(root, config, S3StoreUrl.Parse(url), null)),
        var other => throw new PipeException(
            ErrorCodes.InvalidConfig,
            $"{ConfigPath(root)}: store '{other}' is not supported; use \"local\" or \"s3://BUCKET/PREFIX\"."),
    };

    /// <summary>How this workspace reaches an S3 store: the endpoint given, else the configured one, else AWS's variables.</summary>
    public static S3StoreOptions S3Options(string root, WorkspaceConfig config, S3StoreUrl url, string? endpoint) => new(url)
    {
        Endpoint = S3StoreOptions.ResolveEndpoint(endpoint ?? config.S3Endpoint),
        CacheFolder = Path.Combine(root, MetadataFolder, "cache", "s3"),
        CacheMaxBytes = (config.S3CacheMiB ?? DefaultS3CacheMiB) * 1024L * 1024,
    };

    /// <summary>
    /// Where a pipeline's egress URL leads from this workspace: a folder, or an S3 prefix on the server the
    /// workspace's store uses (its s3Endpoint, else AWS's variables) with AWS's credential chain.
    /// </summary>
    public IEgressTarget OpenEgress(EgressUrl url) => url.Folder is { } folder
        ? new FolderEgress(folder)
        : new S3Egress(S3Options(Root, Config, new S3StoreUrl(url.Bucket!, url.Prefix), null) with { CacheFolder = null });

    /// <summary>The workspace's secrets: <c>.pipe/secrets/</c>, beside the store's keys and never one of them (docs/pipeproj.md#secrets).</summary>
    public SecretStore Secrets => new(Path.Combine(MetadataPath, "secrets"));

    public StatCache OpenStatCache() => StatCache.Load(Path.Combine(MetadataPath, "cache", "stat"));
}
