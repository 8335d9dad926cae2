using System.Text;
using PipeBuild.Core.Pipelines;

namespace PipeBuild.Engine;

/// <summary>
/// Makes the commands of a pipeline's resolved <see cref="TransformPackage"/>s available to a transform on this
/// machine: a small launcher per command in a folder that goes first on PATH (so <c>Command</c> can say
/// <c>my-tool /pfs/in /pfs/out</c>), and <c>PIPE_TOOL_&lt;COMMAND&gt;</c> naming each entry point (the tool's .dll).
/// </summary>
public static class TransformTools
{
    /// <summary>Writes the launchers into <paramref name="folder"/>; returns the environment variables to add (none without packages).</summary>
    public static IReadOnlyDictionary<string, string> Prepare(PipelineSpec spec, string folder)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        var tools = spec.TransformPackages.SelectMany(p => p.Tools).ToList();
        if (tools.Count == 0)
        {
            return environment;
        }

        Directory.CreateDirectory(folder);
        foreach (var tool in tools)
        {
            var run = tool.Runner.Equals("dotnet", StringComparison.OrdinalIgnoreCase) ? $"\"{DotnetHost()}\" \"{tool.EntryPoint}\"" : $"\"{tool.EntryPoint}\"";
            if (OperatingSystem.IsWindows())
            {
                File.WriteAllText(Path.Combine(folder, tool.Command + ".cmd"), $"@{run} %*\r\n");
            }
            else
            {
                var launcher = Path.Combine(folder, tool.Command);
                File.WriteAllText(launcher, $"#!/bin/sh\nexec {run} \"$@\"\n", new UTF8Encoding(false));
                File.SetUnixFileMode(launcher, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
            }

            environment["PIPE_TOOL_" + EnvironmentName(tool.Command)] = tool.EntryPoint;
        }

        environment["PATH"] = folder + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH");
        return environment;
    }

    /// <summary>A program name that is one of the launchers in <paramref name="folder"/> as its full path (for commands run without a shell).</summary>
    public static string Resolve(string program, string folder) =>
        program.IndexOfAny(['/', '\\']) < 0 && File.Exists(Path.Combine(folder, program)) ? Path.Combine(folder, program) : program;

    /// <summary><c>my-tool.v2</c> → <c>MY_TOOL_V2</c>.</summary>
    public static string EnvironmentName(string command) =>
        string.Concat(command.Select(c => char.IsAsciiLetterOrDigit(c) ? char.ToUpperInvariant(c) : '_'));

    /// <summary>The dotnet host that runs this process (or DOTNET_HOST_PATH, which the .NET SDK sets), else dotnet on PATH.</summary>
    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host
        : Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self
        : "dotnet";
}
