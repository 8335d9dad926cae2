using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Microsoft.Build.Framework;
using PipeBuild.Core;
using Task = Microsoft.Build.Utilities.Task;

namespace PipeBuild.Tasks;

/// <summary>
/// Runs one <c>dotnet pipe</c> command for a task and turns what it prints into MSBuild events.
/// </summary>
/// <remarks>
/// The tasks run the tool that ships in the package rather than loading the engine into MSBuild:
/// evaluating a <c>.pipeproj</c> again inside a running build would load a second copy of MSBuild's evaluation into
/// the build's nodes (Microsoft.Build.Locator cannot run there at all); handing the task the evaluated items would lose the file(line,col) of every value and duplicate the mapping to a pipeline; and the
/// store and executor a workspace names (with their client libraries) would load into long-lived, reused MSBuild
/// nodes. One process per task call (about 0.4 s when nothing is out of date) buys one code path: a build
/// registers exactly the pipeline <c>dotnet pipe run</c> would, with the same locks, checks and messages.
/// </remarks>
public abstract class PipeToolTask : Task, ICancelableTask
{
    private Process? process;
    private volatile bool cancelled;

    /// <summary>The tool: <c>dotnet-pipe.dll</c> (run with the dotnet host that runs this build) or an executable.</summary>
    [Required]
    public string ToolPath { get; set; } = "";

    /// <summary>The workspace folder; empty: the nearest folder at or above the project's holding <c>.pipe/</c>.</summary>
    public string? Workspace { get; set; }

    /// <summary>The command's words after <c>dotnet pipe</c>.</summary>
    protected abstract IEnumerable<string> Arguments();

    /// <summary>The project a message without a position belongs to (the pipeline project, when there is one).</summary>
    protected virtual string? DefaultFile => null;

    public override bool Execute()
    {
        var arguments = Arguments().ToList();
        if (Log.HasLoggedErrors)
        {
            return false;
        }

        if (!string.IsNullOrEmpty(Workspace))
        {
            arguments.AddRange(["--workspace", Path.GetFullPath(Workspace)]);
        }

        if (Start(arguments) is not { } started)
        {
            return false;
        }

        process = started;
        var stdout = process.StandardOutput.ReadToEndAsync();
        (BuildEngine as IBuildEngine3)?.Yield();
        try
        {
            // stderr carries the human side (progress, registrations, errors); read here so events are logged
            // from the task's own thread.
            while (process.StandardError.ReadLine() is { } line)
            {
                LogToolLine(line);
            }

            process.WaitForExit();
        }
        finally
        {
            (BuildEngine as IBuildEngine3)?.Reacquire();
        }

        var output = stdout.GetAwaiter().GetResult();
        if (cancelled)
        {
            Log.LogError(null, ErrorCodes.TaskCancelled, null, DefaultFile, 0, 0, 0, 0, "dotnet pipe was stopped (build cancelled); the store keeps the state before the interrupted command.");
            return false;
        }

        if (process.ExitCode is 0 or ExitCodes.JobFailure)
        {
            try
            {
                Completed(output.Length == 0 ? default : JsonDocument.Parse(output).RootElement.Clone());
            }
            catch (JsonException e)
            {
                Log.LogError(null, ErrorCodes.ToolFailed, null, DefaultFile, 0, 0, 0, 0, $"dotnet pipe printed output this task cannot read ({e.Message}). Check that ToolPath names a dotnet pipe of the same version as the SDK.");
            }
        }

        if (process.ExitCode != 0 && !Log.HasLoggedErrors)
        {
            Log.LogError(null, ErrorCodes.ToolFailed, null, DefaultFile, 0, 0, 0, 0, $"dotnet pipe {string.Join(' ', arguments)} exited with code {process.ExitCode}.");
        }

        return !Log.HasLoggedErrors;
    }

    public void Cancel()
    {
        cancelled = true;
        try
        {
            // The store is crash-safe: a killed command leaves every branch at its old or its new commit.
            process?.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // already exited
        }
    }

    /// <summary>Reads the command's <c>--output json</c> result (default when it printed nothing).</summary>
    protected virtual void Completed(JsonElement result)
    {
    }

    /// <summary>An error about the pipeline <paramref name="file"/> defines, at its project when there is no position.</summary>
    protected void LogPipeError(string code, string message, string? file = null) =>
        Log.LogError(null, code, null, file ?? DefaultFile, 0, 0, 0, 0, message);

    protected static string Metadata(ITaskItem item, string name) => item.GetMetadata(name);

    /// <summary>
    /// The evaluation properties to pass as <c>-p</c>: the build's global properties (so <c>dotnet build -p:X=Y</c>
    /// reaches the pipeline), then <paramref name="properties"/> (<c>Name=Value</c>), which win.
    /// </summary>
    protected IEnumerable<string> PropertyArguments(IEnumerable<string>? properties)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (BuildEngine is IBuildEngine6 engine)
        {
            foreach (var (name, value) in engine.GetGlobalProperties())
            {
                values[name] = value;
            }
        }

        foreach (var property in properties ?? [])
        {
            var equals = property.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                values[property[..equals].Trim()] = property[(equals + 1)..];
            }
            else if (!string.IsNullOrWhiteSpace(property))
            {
                LogPipeError(ErrorCodes.InvalidTaskParameter, $"Properties item '{property}' is not Name=Value. Write Properties=\"Name=Value;Other=Value\".");
            }
        }

        return values.Select(p => $"-p:{p.Key}={p.Value}");
    }

    private Process? Start(List<string> arguments)
    {
        var tool = Path.GetFullPath(ToolPath);
        if (!File.Exists(tool))
        {
            LogPipeError(ErrorCodes.ToolNotFound, $"dotnet pipe not found at '{tool}'. Set PipeToolPath to dotnet-pipe.dll or to an installed dotnet-pipe, or restore the PipeBuild.Sdk package again.");
            return null;
        }

        var dll = tool.EndsWith(".dll", StringComparison.OrdinalIgnoreCase);
        var start = new ProcessStartInfo(dll ? DotnetHost() : tool)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            WorkingDirectory = Directory.GetCurrentDirectory(), // MSBuild runs a task in its project's folder
        };
        if (dll)
        {
            start.ArgumentList.Add(tool);
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_NOLOGO"] = "1";
        Log.LogMessage(MessageImportance.Normal, "{0} {1}", start.FileName, string.Join(' ', start.ArgumentList.Select(Quote)));
        try
        {
            var started = Process.Start(start)!;
            started.StandardInput.Close();
            return started;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            LogPipeError(ErrorCodes.ToolNotFound, $"cannot start '{start.FileName}': {e.Message}. Set PipeToolPath, or put dotnet on PATH.");
            return null;
        }
    }

    /// <summary>The dotnet host running this build (the .NET SDK sets DOTNET_HOST_PATH for tasks), else dotnet on PATH.</summary>
    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    private static string Quote(string word) => word.Length > 0 && !word.Any(c => char.IsWhiteSpace(c) || c is '"' or '\'') ? word : $"\"{word.Replace("\"", "\\\"", StringComparison.Ordinal)}\"";

    /// <summary>
    /// A line of the tool's stderr, read as MSBuild reads any tool's: an error in canonical form
    /// (<c>FILE(LINE,COL): error PIPEnnnn: message</c>) is logged at its place; one without a place belongs to the
    /// pipeline's project.
    /// </summary>
    private void LogToolLine(string line)
    {
        var text = DefaultFile is { } file && line.StartsWith("error ", StringComparison.Ordinal) ? $"{file}: {line}" : line;
        var importance = line.StartsWith("registered ", StringComparison.Ordinal) || line.StartsWith("updated ", StringComparison.Ordinal) ? MessageImportance.High : MessageImportance.Normal;
        Log.LogMessageFromText(text, importance);
    }
}
