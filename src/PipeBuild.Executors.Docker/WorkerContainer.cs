using System.Globalization;
using System.Text;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace PipeBuild.Executors.Docker;

/// <summary>
/// A container that stays up for one worker's datums, as Pachyderm's worker container does: it starts once per
/// worker and job, and the image's own <c>/bin/sh</c> runs a small agent in it that, for each line it reads on
/// stdin, runs the datum's script (<see cref="WorkerSlot.Prepare"/>) with stdout and stderr into the log, then
/// answers on stdout with the exit code and how many processes the container still runs. Starting a container
/// costs about a second under Podman; a datum run this way costs what its process does.
/// </summary>
/// <remarks>
/// The sandbox is mounted once: <c>/pfs</c> read-only (the inputs the slot writes for each datum show through it),
/// <c>/pfs/out</c> writable. A datum that leaves a process running loses the container with it before its outputs
/// are read, so nothing of one datum reaches the next. docs/executors.md#containers-that-stay-up
/// </remarks>
internal sealed class WorkerContainer : IAsyncDisposable
{
    /// <summary>Where the container sees its slot's control folder.</summary>
    public const string ControlPath = "/.pipebuild";

    /// <summary>The agent. "ready" first, so a start that cannot run it shows as an end before it.</summary>
    private const string Agent = """
        echo ready
        while IFS= read -r n; do
          ( . /.pipebuild/in/run.sh ) </.pipebuild/in/stdin >/.pipebuild/out/log 2>&1
          s=$?
          set -- /proc/[0-9]*
          echo "$n $s $#"
        done
        """;

    private readonly DockerClient docker;
    private readonly MultiplexedStream stream;
    private readonly StringBuilder stderr = new();
    private readonly byte[] buffer = new byte[4096];
    private readonly List<byte> line = [];
    private int requests;

    private WorkerContainer(DockerClient docker, string id, MultiplexedStream stream)
    {
        this.docker = docker;
        Id = id;
        this.stream = stream;
    }

    public string Id { get; }

    /// <summary>What the agent itself wrote to stderr (a shell's complaint), for a failure's reason.</summary>
    public string Diagnostics => stderr.ToString().Trim();

    /// <summary>The container's settings: one worker of <paramref name="work"/>'s job, its slot's folders mounted.</summary>
    public static CreateContainerParameters Parameters(Engine.DatumWork work, WorkerSlot slot, string image, Engine.SecretStore? secrets)
    {
        var spec = work.Spec;
        var (secretVariables, secretMounts) = DockerExecutor.SecretsOf(spec, secrets);
        List<Mount> mounts =
        [
            .. secretMounts,
            new() { Type = "bind", Source = slot.Sandbox.Pfs, Target = Engine.DatumEnvironment.ContainerPfs, ReadOnly = true },
            new() { Type = "bind", Source = Path.Combine(slot.Sandbox.Pfs, "out"), Target = $"{Engine.DatumEnvironment.ContainerPfs}/out", ReadOnly = false },
            new() { Type = "bind", Source = slot.ControlIn, Target = $"{ControlPath}/in", ReadOnly = true },
            new() { Type = "bind", Source = slot.ControlOut, Target = $"{ControlPath}/out", ReadOnly = false },
        ];
        mounts.AddRange(DockerExecutor.TransformFolderMounts(spec, secrets));

        return new CreateContainerParameters
        {
            Image = image,
            Entrypoint = ["/bin/sh", "-c", Agent],
            Cmd = ["pipebuild-worker"], // the agent's $0, as ps shows it
            Env = secretVariables, // every datum's process inherits them
            WorkingDir = DockerExecutor.ContainerWorkingDir(spec), // made by the engine if the image has no such folder
            User = DockerExecutor.ContainerUser(spec),
            AttachStdin = true,
            OpenStdin = true,
            AttachStdout = true,
            AttachStderr = true,
            Labels = new Dictionary<string, string>
            {
                [ContainerLabels.Owner] = ContainerLabels.CurrentOwner,
                [ContainerLabels.Pipeline] = spec.Name,
                [ContainerLabels.Job] = work.JobId,
            },
            HostConfig = DockerExecutor.HostConfig(spec, mounts),
        };
    }

    /// <summary>
    /// Creates and starts the container and waits for its agent. Null when the agent cannot run in the image
    /// (no <c>/bin/sh</c>): the caller then runs each datum in a container of its own.
    /// </summary>
    public static async Task<WorkerContainer?> StartAsync(DockerClient docker, CreateContainerParameters parameters, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var id = (await DockerExecutor.Call(() => docker.Containers.CreateContainerAsync(parameters, cancellationToken), "create a container")).ID;
            MultiplexedStream stream;
            try
            {
                stream = await DockerExecutor.AttachAndStartAsync(docker, id, stdin: true, cancellationToken);
            }
            catch (DockerApiException e) when (DockerExecutor.IsTransient(e) && attempt < DockerExecutor.StartAttempts)
            {
                await DockerExecutor.RemoveAsync(docker, id);
                await Task.Delay(TimeSpan.FromMilliseconds(500 * attempt), cancellationToken);
                continue;
            }
            catch (DockerApiException)
            {
                await DockerExecutor.RemoveAsync(docker, id);
                return null;
            }
            catch
            {
                await DockerExecutor.RemoveAsync(docker, id);
                throw;
            }

            var worker = new WorkerContainer(docker, id, stream);
            try
            {
                if (await worker.ReadLineAsync(cancellationToken) == "ready")
                {
                    return worker;
                }
            }
            catch
            {
                await worker.DisposeAsync();
                throw;
            }

            await worker.DisposeAsync();
            return null;
        }
    }

    /// <summary>
    /// Runs the datum the slot prepared and returns its exit code and the number of processes left in the
    /// container (1 when only the agent is), or null when the container ended instead of answering.
    /// </summary>
    public async Task<(long ExitCode, int Processes)?> RunAsync(CancellationToken cancellationToken)
    {
        var request = (++requests).ToString(CultureInfo.InvariantCulture);
        var bytes = Encoding.ASCII.GetBytes(request + "\n");
        await stream.WriteAsync(bytes, 0, bytes.Length, cancellationToken);
        while (await ReadLineAsync(cancellationToken) is { } answer)
        {
            var parts = answer.Split(' ');
            if (parts.Length == 3 && parts[0] == request
                && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var exitCode)
                && int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var processes))
            {
                return (exitCode, processes);
            }
        }

        return null;
    }

    /// <summary>Stops and removes the container, whatever runs in it (never cancelled: it must not leak).</summary>
    public async ValueTask DisposeAsync()
    {
        await DockerExecutor.RemoveAsync(docker, Id);
        stream.Dispose();
    }

    /// <summary>The agent's next line on stdout, or null at the end of the stream; its stderr is kept aside.</summary>
    private async Task<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var end = line.IndexOf((byte)'\n');
            if (end >= 0)
            {
                var text = Encoding.UTF8.GetString([.. line.Take(end)]);
                line.RemoveRange(0, end + 1);
                return text;
            }

            // The hijacked stream may not observe the token: the wait ends on cancellation, and the caller then
            // removes the container, which ends the read.
            var read = await stream.ReadOutputAsync(buffer, 0, buffer.Length, cancellationToken).WaitAsync(cancellationToken);
            if (read.EOF)
            {
                return null;
            }

            if (read.Target == MultiplexedStream.TargetStream.StandardError)
            {
                stderr.Append(Encoding.UTF8.GetString(buffer, 0, read.Count));
            }
            else
            {
                line.AddRange(buffer.AsSpan(0, read.Count));
            }
        }
    }
}
