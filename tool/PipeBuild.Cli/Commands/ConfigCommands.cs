using System.CommandLine;
using System.Globalization;
using PipeBuild.Core;
using PipeBuild.Core.Pipelines;

namespace PipeBuild.Cli.Commands;

/// <summary><c>config list|get|set|unset</c>: the workspace's settings, kept in <c>.pipe/config.json</c>.</summary>
internal static class ConfigCommands
{
    /// <summary>
    /// Every setting: its value with defaults applied, and, for those a user may change after <c>init</c>, how a new value
    /// (null: unset) is checked and stored. The store and the default branch are fixed at init: changing them would
    /// leave the workspace's data behind.
    /// </summary>
    private static readonly Setting[] Settings =
    [
        new("store", "Where data lives (set by init --store).", c => c.Store),
        new("default-branch", "The branch references and pipelines use when they name none (set by init --default-branch).", c => c.DefaultBranch),
        new("s3-endpoint", "The S3-compatible server of an s3:// store (set by init --s3-endpoint).", c => c.S3Endpoint ?? ""),
        new(
            "s3-cache-mib",
            "MiB of objects read from an S3 store kept on this machine (0: none).",
            c => (c.S3CacheMiB ?? Workspace.DefaultS3CacheMiB).ToString(CultureInfo.InvariantCulture),
            (c, value) => c with { S3CacheMiB = value is null ? null : CacheMiB(value) }),
        new(
            "executor",
            $"Where the datums of a pipeline whose file names no executor run: {ExecutorNames.Listed}.",
            c => c.Executor ?? ExecutorNames.Local,
            (c, value) => c with { Executor = value is null ? null : Executor(value) }),
    ];

    public static Command Create() => Cli.Group(
        "config",
        "Show or change the workspace's settings (.pipe/config.json).",
        List(),
        Get(),
        Set(),
        Unset());

    private static Command List() =>
        Cli.Command("list", "Show every setting and its value.", [], (s, _) =>
        {
            var config = s.Workspace.Config;
            s.Out.Write(
                Settings.ToDictionary(x => x.Key, x => x.Value(config)),
                values => (["KEY", "VALUE", "DESCRIPTION"], Settings.Select(x => new[] { x.Key, values[x.Key], x.Description })));
            return Task.FromResult(ExitCodes.Ok);
        });

    private static Command Get()
    {
        var key = KeyArgument();
        return Cli.Command("get", "Print one setting's value (its default when not set).", [key], (s, _) =>
        {
            s.Console.Out.WriteLine(Find(s.Get(key)).Value(s.Workspace.Config));
            return Task.FromResult(ExitCodes.Ok);
        }, formatOption: false);
    }

    private static Command Set()
    {
        var key = KeyArgument();
        var value = new Argument<string>("value") { Description = "The new value." };
        return Cli.Command("set", "Change a setting.", [key, value], (s, _) => Save(s, s.Get(key), s.Get(value)), formatOption: false);
    }

    private static Command Unset()
    {
        var key = KeyArgument();
        return Cli.Command("unset", "Return a setting to its default.", [key], (s, _) => Save(s, s.Get(key), null), formatOption: false);
    }

    private static Task<int> Save(Session s, string key, string? value)
    {
        var setting = Find(key);
        var change = setting.Change ?? throw new PipeException(
            ErrorCodes.InvalidArguments, $"'{key}' is fixed when the workspace is made (dotnet pipe init); it cannot be changed with config.");
        var config = change(s.Workspace.Config, value);
        config.Save(Workspace.ConfigPath(s.Workspace.Root));
        s.Console.Out.WriteLine(value is null ? $"{key} is now its default, {setting.Value(config)}" : $"{key} = {setting.Value(config)}");
        return Task.FromResult(ExitCodes.Ok);
    }

    private static Argument<string> KeyArgument() =>
        new("key") { Description = $"A setting: {string.Join(", ", Settings.Select(x => x.Key))}." };

    private static Setting Find(string key) =>
        Settings.FirstOrDefault(x => x.Key == key) ?? throw new PipeException(
            ErrorCodes.InvalidArguments, $"'{key}' is not a setting. Settings: {string.Join(", ", Settings.Select(x => x.Key))}.");

    private static string Executor(string value) =>
        ExecutorNames.All.Contains(value)
            ? value
            : throw new PipeException(ErrorCodes.InvalidArguments, $"'{value}' is not an executor. Use {ExecutorNames.Listed}.");

    private static int CacheMiB(string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var mib)
            ? mib
            : throw new PipeException(ErrorCodes.InvalidArguments, $"s3-cache-mib '{value}' is not a whole number of MiB (0 or more).");

    private sealed record Setting(string Key, string Description, Func<WorkspaceConfig, string> Value, Func<WorkspaceConfig, string?, WorkspaceConfig>? Change = null);
}
