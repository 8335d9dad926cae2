using System.Diagnostics;
using System.Text;

namespace PipeBuild.Executors.Kubernetes.Tests;

/// <summary>Real <c>dotnet pipe worker</c> processes of the built tool, with their output captured.</summary>
public sealed class WorkerProcesses : IDisposable
{
    private readonly List<(Process Process, StringBuilder Output)> workers = [];

    public IReadOnlyList<Process> Processes => [.. workers.Select(w => w.Process)];

    public Process Start(IEnumerable<string> args, IReadOnlyDictionary<string, string?> environment, string workingDirectory)
    {
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(PipeCli.ToolPath);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["PIPE_WORKSPACE"] = null;
        info.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        var output = new StringBuilder();
        var process = new Process { StartInfo = info };
        void Append(object? _, DataReceivedEventArgs e)
        {
            if (e.Data is not null)
            {
                lock (output)
                {
                    output.Append(e.Data).Append('\n');
                }
            }
        }

        process.OutputDataReceived += Append;
        process.ErrorDataReceived += Append;
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        lock (workers)
        {
            workers.Add((process, output));
        }

        return process;
    }

    public string OutputOf(Process process)
    {
        var output = workers.Single(w => w.Process == process).Output;
        lock (output)
        {
            return output.ToString();
        }
    }

    public string AllOutput() => string.Join("\n", workers.Select(w => $"--- worker {w.Process.Id} ---\n{OutputOf(w.Process)}"));

    public void Dispose()
    {
        foreach (var (process, _) in workers)
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                }
            }
            catch (InvalidOperationException)
            {
            }

            process.Dispose();
        }
    }
}
