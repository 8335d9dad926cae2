using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Text;
using Docker.DotNet;
using Docker.DotNet.Models;
using PipeBuild.Core;
using PipeBuild.Core.Pipelines;
using PipeBuild.Engine;

namespace PipeBuild.Executors.Docker;

/// <summary>
/// Runs datums in containers of the pipeline's image through the Docker Engine API (Docker, or Podman's
/// compatible service): each worker of a job keeps one container up and runs datum after datum in it
/// (<see cref="WorkerContainer"/>; an image without <c>/bin/sh</c> gets a container per datum instead). A datum sees
/// its inputs read-only under <c>/pfs/NAME</c> and a fresh <c>/pfs/out</c>, in the image's working directory (or the
/// pipeline's folder when it has TransformFiles), as the calling user, with no network unless the pipeline names
/// one. Containers are removed when the job ends, and a datum's when it times out, is cancelled or leaves a process
/// running; one left by a crashed run is removed the next time an executor connects. The digest the image tag
/// points to is part of the transform identity.
/// </summary>
public sealed partial class DockerExecutor(DockerExecutorOptions? options = null) : IDatumExecutor
{
    /// <summary>The newest Engine API the Docker.DotNet models describe; an older engine is spoken to in its own.</summary>
    private static readonly System.Version MaxApiVersion = new(1, 41);

    private readonly DockerExecutorOptions options = options ?? DockerExecutorOptions.FromEnvironment();
    private readonly SemaphoreSlim connecting = new(1, 1);
    private readonly ConcurrentDictionary<string, string> imageIds = new(StringComparer.Ordinal);
    /// <summary>Image and User pairs no agent can run in: an agent that cannot start as a user the image lacks may as another.</summary>
    private readonly ConcurrentDictionary<(string Image, string? User), bool> withoutShell = new();
    private readonly SlotPool<WorkerSlot> slots = new(folder => new WorkerSlot(folder));
    private DockerClient? client;

    public string Name => ExecutorNames.Docker;

    public async ValueTask<string?> ResolveIdentityAsync(PipelineSpec spec, CancellationToken cancellationToken)
    {
        DatumBatching.ThrowIfUnsupported(spec, Name); // before the engine is asked anything
        var image = RequireImage(spec);
        var docker = await ConnectAsync(cancellationToken);
        var id = await ResolveImageAsync(docker, spec, image, cancellationToken);
        imageIds[image] = id;
        return $"docker image {id}";
    }

    public async Task<DatumOutcome> RunAsync(DatumWork work, CancellationToken cancellationToken)
    {
        var spec = work.Spec;
        DatumBatching.ThrowIfUnsupported(spec, Name);
        var name = RequireImage(spec);
        var docker = await ConnectAsync(cancellationToken);

        // The image the job's identity was computed with, even if the tag moved since.
        var image = imageIds.TryGetValue(name, out var resolved) ? resolved : await ResolveImageAsync(docker, spec, name, cancellationToken);
        if (!withoutShell.ContainsKey((image, spec.User)))
        {
            var slot = await slots.TakeAsync(work);
            try
            {
                if (await RunInWorkerAsync(docker, slot, work, image, options.Secrets, cancellationToken) is { } outcome)
                {
                    return outcome;
                }

                withoutShell[(image, spec.User)] = true; // no agent can run in it: a container per datum from now on
            }
            finally
            {
                await slots.ReturnAsync(slot);
            }
        }

        return await RunInOwnContainerAsync(docker, work, image, cancellationToken);
    }

    /// <summary>
    /// Runs the datum in its worker's container (<see cref="WorkerContainer"/>), started if the slot has none.
    /// Null when the image cannot keep a container up (it has no <c>/bin/sh</c>).
    /// </summary>
    private static async Task<DatumOutcome?> RunInWorkerAsync(DockerClient docker, WorkerSlot slot, DatumWork work, string image, SecretStore? secrets, CancellationToken cancellationToken)
    {
        var spec = work.Spec;
        var sandbox = await slot.Sandbox.FillAsync(work.Datum, work.Content, cancellationToken);
        slot.Prepare(spec, DatumEnvironment.For(work, DatumEnvironment.ContainerPfs), ContainerWorkingDir(spec));
        OpenToUser(spec, sandbox.Out, slot.ControlOut);
        if (slot.Container is not { } container)
        {
            await slot.DropContainerAsync();
            container = await WorkerContainer.StartAsync(docker, WorkerContainer.Parameters(work, slot, image, secrets), cancellationToken);
            if (container is null)
            {
                return null;
            }

            slot.Use(container);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (spec.DatumTimeout is { } limit)
        {
            timeout.CancelAfter(limit);
        }

        (long ExitCode, int Processes)? answer;
        try
        {
            answer = await container.RunAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            // The datum's processes end with their container.
            await slot.DropContainerAsync();
            if (cancellationToken.IsCancellationRequested)
            {
                throw;
            }

            await slot.CopyLogAsync(work.Log, cancellationToken);
            return DatumOutcome.Failed(TimedOut(spec), sandbox.BytesRead);
        }

        if (answer is not { } ended)
        {
            var why = container.Diagnostics;
            await slot.DropContainerAsync();
            await slot.CopyLogAsync(work.Log, cancellationToken);
            return DatumOutcome.Failed($"its worker container ended while the datum ran{(why.Length > 0 ? $": {why}" : "")}", sandbox.BytesRead);
        }

        if (slot.CommandMissing)
        {
            var program = spec.Command[0];
            var why = program.Contains('/', StringComparison.Ordinal)
                ? $"\"{program}\": no such executable file in the image"
                : $"exec: \"{program}\": executable file not found in the image's $PATH";
            throw spec.Error(ErrorCodes.ContainerStartFailed, CannotStart(spec, why));
        }

        if (ended.Processes > 1)
        {
            // The datum left something running: it goes with the container before the outputs are read, so it can
            // neither change them nor reach the next datum.
            await slot.DropContainerAsync();
        }

        await slot.CopyLogAsync(work.Log, cancellationToken);
        return await sandbox.OutcomeAsync(ended.ExitCode, spec, work.Content, cancellationToken, mounted: true);
    }

    /// <summary>Runs the datum in a container of its own, created for it and removed after it.</summary>
    private async Task<DatumOutcome> RunInOwnContainerAsync(DockerClient docker, DatumWork work, string image, CancellationToken cancellationToken)
    {
        var spec = work.Spec;
        var sandbox = await DatumSandbox.CreateAsync(work.Scratch, work.Datum, work.Content, cancellationToken);
        OpenToUser(spec, sandbox.Out);
        var environment = DatumEnvironment.For(work, DatumEnvironment.ContainerPfs);
        var log = new ContainerLog(work.Log);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (spec.DatumTimeout is { } limit)
        {
            timeout.CancelAfter(limit);
        }

        long exitCode;
        for (var attempt = 1; ; attempt++)
        {
            string? id = null;
            try
            {
                id = (await Call(() => docker.Containers.CreateContainerAsync(CreateParameters(work, environment, sandbox, image, options.Secrets), timeout.Token), "create a container")).ID;
                exitCode = await RunContainerAsync(docker, id, spec, environment.StdinText, log, attempt == StartAttempts, timeout.Token);
                break;
            }
            catch (TransientStartException)
            {
                // Podman under load sometimes cannot set up a new container's attach pipes ("write child: broken
                // pipe") before anything ran; a new container then starts normally.
                await Task.Delay(TimeSpan.FromMilliseconds(500 * attempt), timeout.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                log.Flush();
                return DatumOutcome.Failed(TimedOut(spec), sandbox.BytesRead);
            }
            finally
            {
                if (id is not null)
                {
                    await RemoveAsync(docker, id);
                }
            }
        }

        log.Flush();
        return await sandbox.OutcomeAsync(exitCode, spec, work.Content, cancellationToken, mounted: true);
    }

    private static string TimedOut(PipelineSpec spec) => $"timed out after {spec.DatumTimeout!.Value.TotalSeconds:0.#} s";

    private static string CannotStart(PipelineSpec spec, string why) =>
        $"cannot start '{spec.Command[0]}' in image '{spec.Image}': {why}. " + (spec.User is { } user && why.Contains("user", StringComparison.OrdinalIgnoreCase)
            ? $"Check that the image has the user '{user}' (a name must be in its /etc/passwd, a uid need not be), or give a uid."
            : "Check that the Command exists in the image.");

    /// <summary>A .pipeproj's folder when it has TransformFiles: mounted read-only at its own path, and the working directory.</summary>
    internal static string? TransformFolder(PipelineSpec spec) => spec.TransformFiles.Count > 0 ? spec.WorkingDirectory : null;

    /// <summary>Where the command runs: the pipeline's WorkingDir (the engine makes it if the image has none), else its TransformFolder.</summary>
    internal static string? ContainerWorkingDir(PipelineSpec spec) => spec.WorkingDir ?? TransformFolder(spec);

    /// <summary>The pipeline's User, else the caller (<see cref="CallingUser.ContainerUser"/>).</summary>
    internal static string? ContainerUser(PipelineSpec spec) => spec.User ?? CallingUser.ContainerUser;

    /// <summary>
    /// A pipeline's User is not the one who made the sandbox: the folders the container writes to are opened to
    /// every user so it can (the datum script's umask 0 then leaves what it writes removable by the engine).
    /// </summary>
    internal static void OpenToUser(PipelineSpec spec, params string[] folders)
    {
        if (spec.User is null || OperatingSystem.IsWindows())
        {
            return;
        }

        foreach (var folder in folders)
        {
            File.SetUnixFileMode(folder, (UnixFileMode)0b111_111_111);
        }
    }

    /// <summary>The pipeline's limits and network, with <paramref name="mounts"/>.</summary>
    internal static HostConfig HostConfig(PipelineSpec spec, IList<Mount> mounts) => new()
    {
        Mounts = mounts,
        NetworkMode = spec.Network ?? "none",
        NanoCPUs = spec.Cpus is { } cpus ? (long)(cpus * 1e9) : 0,
        Memory = spec.Memory ?? 0,
    };

    /// <summary>Podman under load sometimes cannot set up a new container's attach pipes ("write child: broken pipe") before anything ran.</summary>
    internal static bool IsTransient(DockerApiException e) => e.ResponseBody?.Contains("broken pipe", StringComparison.Ordinal) == true;

    internal const int StartAttempts = 3;

    public async ValueTask DisposeAsync()
    {
        await slots.DisposeAsync(); // removes the workers' containers
        client?.Dispose();
        connecting.Dispose();
    }

    /// <summary>
    /// What a pipeline's secrets add to its containers: their variables (<c>NAME=VALUE</c>, set on the container, so they
    /// are never written to a file of the worker's control folder) and their folders mounted read-only at their mount paths.
    /// </summary>
    internal static (List<string> Variables, List<Mount> Mounts) SecretsOf(PipelineSpec spec, SecretStore? secrets)
    {
        if (spec.Secrets.Count == 0)
        {
            return ([], []);
        }

        var store = SecretStore.Required(secrets, spec);
        return (
            [.. store.Variables(spec).Select(v => $"{v.Key}={v.Value}")],
            [.. spec.Secrets.Where(s => s.MountPath is not null).Select(s => new Mount { Type = "bind", Source = store.DataFolderOf(s.Name), Target = s.MountPath!.TrimEnd('/'), ReadOnly = true })]);
    }

    /// <summary>
    /// A .pipeproj's folder, read-only at its own path when it has TransformFiles, with the workspace's secrets hidden
    /// under an empty folder when they are inside it (a pipeline at the workspace's root): a transform gets the secrets it
    /// names, never the others.
    /// </summary>
    internal static IEnumerable<Mount> TransformFolderMounts(PipelineSpec spec, SecretStore? secrets)
    {
        if (TransformFolder(spec) is not { } folder)
        {
            yield break;
        }

        yield return new Mount { Type = "bind", Source = folder, Target = folder, ReadOnly = true };
        if (secrets is not null && Directory.Exists(secrets.Folder) && !Path.GetRelativePath(folder, secrets.Folder).StartsWith("..", StringComparison.Ordinal))
        {
            // An empty folder bound over it (Podman does not lay a tmpfs over a read-only bind mount's subfolder).
            yield return new Mount { Type = "bind", Source = secrets.EmptyFolder(), Target = secrets.Folder, ReadOnly = true };
        }
    }

    internal static CreateContainerParameters CreateParameters(DatumWork work, DatumEnvironment environment, DatumSandbox sandbox, string image, SecretStore? secrets)
    {
        var spec = work.Spec;
        var (secretVariables, secretMounts) = SecretsOf(spec, secrets);
        var mounts = environment.Mounts(sandbox)
            .Select(m => new Mount { Type = "bind", Source = m.Source, Target = m.Target, ReadOnly = m.ReadOnly })
            .Concat(secretMounts)
            .ToList();

        // A .pipeproj's TransformFiles (scripts, models) live beside it, not in the image: its folder is mounted
        // read-only at its own path and is the working directory unless WorkingDir names another, so
        // `python3 train.py` runs as it does locally.
        mounts.AddRange(TransformFolderMounts(spec, secrets));

        return new CreateContainerParameters
        {
            Image = image,

            // Pachyderm's cmd replaces the image's entrypoint as well as its command.
            Entrypoint = [spec.Command[0]],
            Cmd = [.. environment.Arguments],
            Env = [.. secretVariables, .. environment.Variables.Select(v => $"{v.Key}={v.Value}")],
            WorkingDir = ContainerWorkingDir(spec),
            User = ContainerUser(spec),
            AttachStdout = true,
            AttachStderr = true,
            AttachStdin = environment.Stdin.Count > 0,
            OpenStdin = environment.Stdin.Count > 0,
            StdinOnce = environment.Stdin.Count > 0,
            Labels = new Dictionary<string, string>
            {
                [ContainerLabels.Owner] = ContainerLabels.CurrentOwner,
                [ContainerLabels.Pipeline] = spec.Name,
                [ContainerLabels.Job] = work.JobId,
                [ContainerLabels.Datum] = work.Datum.Id,
            },
            HostConfig = HostConfig(spec, mounts),
        };
    }

    /// <summary>Starts the container, feeds stdin, streams the log, returns the exit code.</summary>
    /// <param name="lastAttempt">a failure to start that another container may not meet is final, not <see cref="TransientStartException"/></param>
    private static async Task<long> RunContainerAsync(
        DockerClient docker, string id, PipelineSpec spec, string stdin, ContainerLog log, bool lastAttempt, CancellationToken cancellationToken)
    {
        MultiplexedStream stream;
        try
        {
            stream = await AttachAndStartAsync(docker, id, stdin.Length > 0, cancellationToken);
        }
        catch (DockerApiException e) when (!lastAttempt && IsTransient(e))
        {
            throw new TransientStartException();
        }
        catch (DockerApiException e)
        {
            throw spec.Error(ErrorCodes.ContainerStartFailed, CannotStart(spec, EngineMessage(e)));
        }

        using var output = stream;
        if (stdin.Length > 0)
        {
            var input = Encoding.UTF8.GetBytes(stdin);
            await output.WriteAsync(input, 0, input.Length, cancellationToken);
            output.CloseWrite();
        }

        var buffer = new byte[81920];
        while (true)
        {
            var read = await output.ReadOutputAsync(buffer, 0, buffer.Length, cancellationToken);
            if (read.EOF)
            {
                break;
            }

            log.Append(read.Target == MultiplexedStream.TargetStream.StandardError, buffer.AsSpan(0, read.Count));
        }

        return (await Call(() => docker.Containers.WaitContainerAsync(id, cancellationToken), "wait for the container")).StatusCode;
    }

    /// <summary>
    /// Attaches before starting, so no output is lost. A program missing from the image fails either call
    /// (Podman creates the container's process when attaching, Docker when starting).
    /// </summary>
    internal static async Task<MultiplexedStream> AttachAndStartAsync(DockerClient docker, string id, bool stdin, CancellationToken cancellationToken)
    {
        var attach = new ContainerAttachParameters { Stream = true, Stdout = true, Stderr = true, Stdin = stdin };
        var stream = await docker.Containers.AttachContainerAsync(id, tty: false, attach, cancellationToken);
        try
        {
            await docker.Containers.StartContainerAsync(id, new ContainerStartParameters(), cancellationToken);
            return stream;
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Stops and removes a container whatever happened to the datum (never cancelled: it must not leak).</summary>
    internal static async Task RemoveAsync(DockerClient docker, string id)
    {
        try
        {
            await docker.Containers.RemoveContainerAsync(id, new ContainerRemoveParameters { Force = true, RemoveVolumes = true }, CancellationToken.None);
        }
        catch (DockerContainerNotFoundException)
        {
        }
    }

    private static string RequireImage(PipelineSpec spec) =>
        string.IsNullOrWhiteSpace(spec.Image)
            ? throw spec.Error(
                ErrorCodes.ImageNotSet,
                $"pipeline '{spec.Name}' runs under the docker executor but names no image. Set <Image>NAME:TAG</Image> (or transform.image in a JSON spec).")
            : spec.Image;

    /// <summary>The image's id (its config digest), pulled first if the engine does not have it.</summary>
    private static async Task<string> ResolveImageAsync(DockerClient docker, PipelineSpec spec, string image, CancellationToken cancellationToken)
    {
        if (await TryInspectImageAsync(docker, image, cancellationToken) is { } id)
        {
            return id;
        }

        var errors = new List<string>();
        var pull = new ImagesCreateParameters { FromImage = image, Tag = HasTagOrDigest(image) ? null : "latest" };
        try
        {
            // A failed pull is reported in the progress stream, not always as an error response.
            await docker.Images.CreateImageAsync(pull, new AuthConfig(), new Progress<JSONMessage>(m => Collect(errors, m)), cancellationToken);
        }
        catch (DockerApiException e)
        {
            errors.Add(EngineMessage(e));
        }

        return await TryInspectImageAsync(docker, image, cancellationToken)
            ?? throw spec.Error(
                ErrorCodes.ImageUnavailable,
                $"image '{image}' is not on the container engine and cannot be pulled: {(errors.Count > 0 ? errors[^1] : "no such image")}. "
                + "Build or load it there (docker build, docker load, podman import), or fix <Image>.");
    }

    private static void Collect(List<string> errors, JSONMessage message)
    {
        var error = message.Error?.Message ?? message.ErrorMessage;
        if (!string.IsNullOrWhiteSpace(error))
        {
            lock (errors)
            {
                errors.Add(error.Trim());
            }
        }
    }

    private static async Task<string?> TryInspectImageAsync(DockerClient docker, string image, CancellationToken cancellationToken)
    {
        try
        {
            return (await docker.Images.InspectImageAsync(image, cancellationToken)).ID;
        }
        catch (DockerImageNotFoundException)
        {
            return null;
        }
        catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>busybox:1.36, registry:5000/x:y and x@sha256:... name a tag or digest; busybox and registry:5000/x do not.</summary>
    private static bool HasTagOrDigest(string image) => image.Contains('@', StringComparison.Ordinal) || image[(image.LastIndexOf('/') + 1)..].Contains(':', StringComparison.Ordinal);

    /// <summary>
    /// Connects once: negotiates the API version (the engine's, up to <see cref="MaxApiVersion"/>) and removes
    /// containers that crashed runs left behind.
    /// </summary>
    private async Task<DockerClient> ConnectAsync(CancellationToken cancellationToken)
    {
        if (client is { } connected)
        {
            return connected;
        }

        await connecting.WaitAsync(cancellationToken);
        try
        {
            if (client is null)
            {
                // A client owns (and disposes) its configuration: one each for the unversioned probe and the client.
                VersionResponse version;
                using (var probe = new DockerClientConfiguration(options.Endpoint).CreateClient())
                {
                    version = await Reach(() => probe.System.GetVersionAsync(cancellationToken), cancellationToken);
                }

                var negotiated = System.Version.TryParse(version.APIVersion, out var served) && served < MaxApiVersion ? served : MaxApiVersion;
                var docker = new DockerClientConfiguration(options.Endpoint).CreateClient(negotiated);
                await RemoveLeftoversAsync(docker, cancellationToken);
                client = docker;
            }

            return client;
        }
        finally
        {
            connecting.Release();
        }
    }

    private static async Task RemoveLeftoversAsync(DockerClient docker, CancellationToken cancellationToken)
    {
        var parameters = new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [ContainerLabels.Owner] = true } },
        };
        foreach (var container in await Call(() => docker.Containers.ListContainersAsync(parameters, cancellationToken), "list containers"))
        {
            if (container.Labels.TryGetValue(ContainerLabels.Owner, out var owner) && ContainerLabels.IsDeadOwner(owner))
            {
                await RemoveAsync(docker, container.ID);
            }
        }
    }

    /// <summary>The first call to the engine: a failure to connect becomes one error with a hint.</summary>
    private async Task<T> Reach<T>(Func<Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await call();
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is HttpRequestException or SocketException or IOException or TimeoutException or OperationCanceledException or DockerApiException)
        {
            var hint = options.Endpoint.Scheme == "unix"
                ? $"Start Docker or Podman's service (podman system service --time=0 {options.Endpoint}), or set DOCKER_HOST to the engine's socket."
                : "Start the engine, or set DOCKER_HOST to where it listens.";
            throw new PipeException(ErrorCodes.DockerUnreachable, $"cannot reach the container engine at {options.Endpoint}: {Innermost(e)}. {hint}");
        }
    }

    /// <summary>Any later call: the engine refusing a request is one error naming what was attempted.</summary>
    internal static async Task<T> Call<T>(Func<Task<T>> call, string what)
    {
        try
        {
            return await call();
        }
        catch (DockerApiException e)
        {
            throw new PipeException(ErrorCodes.DockerRequestFailed, $"the container engine refused to {what}: {EngineMessage(e)}.");
        }
        catch (Exception e) when (e is HttpRequestException or SocketException or IOException)
        {
            throw new PipeException(ErrorCodes.DockerUnreachable, $"lost the connection to the container engine while trying to {what}: {Innermost(e)}. Check that it is still running.");
        }
    }

    /// <summary>The engine's own message from a JSON error body such as {"message": "..."}.</summary>
    private static string EngineMessage(DockerApiException e)
    {
        try
        {
            using var body = System.Text.Json.JsonDocument.Parse(e.ResponseBody ?? "");
            if (body.RootElement.TryGetProperty("message", out var message) && message.GetString() is { Length: > 0 } text)
            {
                return text.TrimEnd('.');
            }
        }
        catch (System.Text.Json.JsonException)
        {
        }

        return string.Create(CultureInfo.InvariantCulture, $"{(int)e.StatusCode} {e.StatusCode}");
    }

    private static string Innermost(Exception e)
    {
        while (e.InnerException is not null)
        {
            e = e.InnerException;
        }

        return e.Message.TrimEnd('.');
    }

    /// <summary>The engine failed to start a container for a reason another container will not meet.</summary>
    private sealed class TransientStartException : Exception;
}
