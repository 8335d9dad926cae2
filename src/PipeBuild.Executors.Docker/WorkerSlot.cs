using System.Text;
using PipeBuild.Core.Pipelines;
using PipeBuild.Engine;

namespace PipeBuild.Executors.Docker;

/// <summary>
/// One worker of the docker executor: its sandbox, reused datum after datum, the container that stays up for the
/// job's datums (<see cref="WorkerContainer"/>), and the control folder through which that container is told what
/// to run: <c>control/in</c> (the datum's script and stdin, read-only in the container) and <c>control/out</c> (its
/// log, and a marker when the command is not in the image).
/// </summary>
internal sealed class WorkerSlot(string folder) : IWorkerSlot
{
    private WorkerContainer? container;
    private int containerGeneration;

    public SandboxSlot Sandbox { get; } = new(folder);

    public string ControlIn { get; } = Path.Combine(folder, "control", "in");

    public string ControlOut { get; } = Path.Combine(folder, "control", "out");

    /// <summary>The running container, unless none was started or its sandbox folders were made anew since.</summary>
    public WorkerContainer? Container => Sandbox.Generation == containerGeneration ? container : null;

    public void Use(WorkerContainer started)
    {
        container = started;
        containerGeneration = Sandbox.Generation;
    }

    /// <summary>
    /// Writes the datum's script (its umask for a pipeline's User, its working folder, a check that the program
    /// exists, then the program with the datum's variables) and its stdin, and empties the output control folder.
    /// Files are made anew, never written through whatever a transform may have left in their place.
    /// </summary>
    public void Prepare(PipelineSpec spec, DatumEnvironment environment, string? workingDirectory)
    {
        Directory.CreateDirectory(ControlIn);
        Directory.CreateDirectory(ControlOut);
        foreach (var entry in new DirectoryInfo(ControlOut).EnumerateFileSystemInfos())
        {
            if (entry is DirectoryInfo && !entry.Attributes.HasFlag(FileAttributes.ReparsePoint))
            {
                DatumSandbox.Delete(entry.FullName);
            }
            else
            {
                entry.Delete();
            }
        }

        var script = new StringBuilder();
        if (spec.User is not null)
        {
            script.Append("umask 0\n"); // see DockerExecutor.OpenToUser
        }

        if (workingDirectory is not null)
        {
            script.Append("cd ").Append(Quote(workingDirectory)).Append(" || exit 126\n");
        }

        var program = Quote(spec.Command[0]);
        script.Append("command -v ").Append(program).Append(" >/dev/null 2>&1 || { : >").Append(WorkerContainer.ControlPath).Append("/out/missing; exit 127; }\n");
        script.Append("exec env");
        foreach (var (name, value) in environment.Variables)
        {
            script.Append(' ').Append(Quote($"{name}={value}"));
        }

        script.Append(' ').Append(program);
        foreach (var argument in environment.Arguments)
        {
            script.Append(' ').Append(Quote(argument));
        }

        Write("run.sh", script.Append('\n').ToString());
        Write("stdin", environment.StdinText);
    }

    /// <summary>The program was not found in the image (the script's check failed).</summary>
    public bool CommandMissing => File.Exists(Path.Combine(ControlOut, "missing"));

    /// <summary>Appends what the datum wrote to stdout and stderr to <paramref name="log"/>, read without following any link the transform made.</summary>
    public async Task CopyLogAsync(DatumLog log, CancellationToken cancellationToken)
    {
        var (handle, _) = ContainedFile.Open(ControlOut, "log", throughLinks: false);
        if (handle is null)
        {
            return;
        }

        await using var file = new FileStream(handle, FileAccess.Read, bufferSize: 0);
        await log.CopyFromAsync(file, cancellationToken);
    }

    /// <summary>Stops and removes the container; the next datum starts a new one.</summary>
    public async Task DropContainerAsync()
    {
        if (container is { } running)
        {
            container = null;
            await running.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await DropContainerAsync();
        Sandbox.Dispose();
    }

    private void Write(string name, string text)
    {
        var path = Path.Combine(ControlIn, name);
        File.Delete(path);
        using var file = new FileStream(path, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write });
        file.Write(Encoding.UTF8.GetBytes(text));
    }

    /// <summary>A word for sh: single-quoted, each ' written as '\''.</summary>
    private static string Quote(string word) => "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
