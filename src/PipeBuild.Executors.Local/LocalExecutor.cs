using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics;
using System.Security.Cryptography;
using CliWrap;
using CliWrap.Exceptions;
using PipeBuild.Core;
using PipeBuild.Core.Pipelines;
using PipeBuild.Engine;

namespace PipeBuild.Executors.Local;

/// <summary>
/// Runs a datum's transform as a process on this machine, in the pipeline's folder (or its WorkingDir), with
/// <c>/pfs/</c> in its arguments, stdin and environment mapped to the datum's sandbox. Cancellation and the datum
/// timeout kill the process tree.
/// </summary>
/// <remarks>
/// Each concurrent datum takes a slot: a sandbox folder beside the datum's scratch folder, emptied and reused
/// for the next datum (no folders made and removed per datum). With DatumBatching a slot also keeps the
/// transform process running for its next datum (<see cref="BatchProcess"/>), so a job has one process per
/// worker. Slots, their folders and their processes end with the executor.
/// </remarks>
/// <param name="secrets">
/// Where the values of a pipeline's secrets come from: their variables are set in the transform's environment (a secret
/// given as files needs a container, PIPE6003). Null for a worker in a pod, whose environment and mounts already carry them.
/// </param>
public sealed class LocalExecutor(SecretStore? secrets = null) : IDatumExecutor
{
    private readonly SlotPool<LocalSlot> slots = new(folder => new LocalSlot(folder));

    /// <summary>Each pipeline's secret variables, read at its first datum: every datum of a job gets the same values.</summary>
    private readonly ConcurrentDictionary<string, IReadOnlyList<KeyValuePair<string, string>>> secretVariables = new(StringComparer.Ordinal);

    public string Name => ExecutorNames.Local;

    public async Task<DatumOutcome> RunAsync(DatumWork work, CancellationToken cancellationToken)
    {
        if (work.Spec.DatumBatching && OperatingSystem.IsWindows())
        {
            throw work.Spec.Error(ErrorCodes.DatumBatchingNeedsUnix, $"DatumBatching needs Linux or macOS (a named pipe carries the acknowledgements). Remove <DatumBatching>.");
        }

        var folder = ProcessFolder(work.Spec, secrets);
        var slot = await slots.TakeAsync(work);
        try
        {
            var sandbox = await slot.Sandbox.FillAsync(work.Datum, work.Content, cancellationToken);

            // Cancelled while the sandbox filled (Ctrl+C as a datum starts): a process started now would be killed as
            // it starts, and a shell killed mid-fork can leave its child running (the tree kill is best effort).
            cancellationToken.ThrowIfCancellationRequested();
            var environment = DatumEnvironment.For(work, sandbox.Root);
            return work.Spec.DatumBatching
                ? await RunBatchedAsync(slot, sandbox, environment, work, folder, cancellationToken)
                : await RunProcessAsync(slot, sandbox, environment, work, folder, cancellationToken);
        }
        finally
        {
            await slots.ReturnAsync(slot);
        }
    }

    public ValueTask DisposeAsync() => slots.DisposeAsync();

    /// <summary>
    /// The folder the transform runs in: its WorkingDir, else the pipeline's folder. Processes here run as the user
    /// running <c>dotnet pipe</c>, so a User naming anyone else fails the datum rather than run it as the wrong user.
    /// </summary>
    internal static string ProcessFolder(PipelineSpec spec, SecretStore? secrets)
    {
        if (secrets is not null && spec.Secrets.FirstOrDefault(s => s.MountPath is not null) is { } mounted)
        {
            throw spec.Error(
                ErrorCodes.LocalCannotHonour,
                $"the local executor runs the transform on this machine, where it cannot mount secret '{mounted.Name}' at {mounted.MountPath} (mount_path). Give it as a variable (env_var and key), or run the pipeline in a container (--executor docker, <Executor>docker</Executor>).");
        }

        if (spec.User is { } user && !CallingUser.Is(user))
        {
            throw spec.Error(
                ErrorCodes.LocalCannotHonour,
                $"the local executor runs the transform as {System.Environment.UserName}, not as User '{user}' (transform.user). Run the pipeline in a container (--executor docker, <Executor>docker</Executor>), or remove User.");
        }

        if (spec.WorkingDir is { } folder && !Directory.Exists(folder))
        {
            throw spec.Error(
                ErrorCodes.LocalCannotHonour,
                $"the local executor runs the transform on this machine, which has no folder '{folder}' (WorkingDir, transform.working_dir). Create it, run the pipeline in a container (--executor docker, <Executor>docker</Executor>), or remove WorkingDir.");
        }

        return spec.WorkingDir ?? spec.WorkingDirectory ?? Directory.GetCurrentDirectory();
    }

    /// <summary>
    /// Why the command did not start, in words. An absolute program path missing here, in a spec that names an image,
    /// is a command meant for inside that image (Pachyderm's specs: /code/train.py, /bin/ash), not a typo.
    /// </summary>
    internal static string StartFailure(PipelineSpec spec, Exception e)
    {
        var program = spec.Command[0];
        if (Path.IsPathRooted(program) && !File.Exists(program))
        {
            var inImage = spec.Image is { } image
                ? $" It is expected inside the pipeline's image {image}, and the local executor runs commands on this machine: run the pipeline in its image with the docker executor (`dotnet pipe pipeline update -f FILE --executor docker`, <Executor>docker</Executor> in a .pipeproj, or for every pipeline that names none `dotnet pipe config set executor docker`)."
                : " Check the pipeline's Command.";
            return $"cannot start '{program}': there is no such file on this machine.{inImage}";
        }

        return $"cannot start '{program}': {e.Message}. Check the pipeline's Command.";
    }

    /// <summary>
    /// A datum's process environment: the TransformPackages' launchers (PATH, PIPE_TOOL_*), the secrets' variables, then the datum's
    /// variables (<see cref="DatumEnvironment"/>); a batched process gets only the job's, the datum's part coming on its stdin.
    /// </summary>
    private Dictionary<string, string?> Environment(LocalSlot slot, PipelineSpec spec, IEnumerable<KeyValuePair<string, string>> variables)
    {
        var environment = slot.Tools(spec).ToDictionary(t => t.Key, string? (t) => t.Value);
        foreach (var (name, value) in secrets is null ? [] : secretVariables.GetOrAdd(spec.Name, _ => secrets.Variables(spec)))
        {
            environment[name] = value;
        }

        foreach (var (name, value) in variables)
        {
            environment[name] = value;
        }

        return environment;
    }

    /// <summary>The line a batched transform reads for a datum: its id, then NAME=PATH per input, separated by tabs.</summary>
    private static string DatumLine(DatumWork work, DatumEnvironment environment) =>
        string.Join('\t', environment.Inputs.Select(p => $"{p.Key}={p.Value}").Prepend(work.Datum.Id));

    private async Task<DatumOutcome> RunProcessAsync(
        LocalSlot slot, DatumSandbox sandbox, DatumEnvironment datumEnvironment, DatumWork work, string folder, CancellationToken cancellationToken)
    {
        var spec = work.Spec;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (spec.DatumTimeout is { } limit)
        {
            timeout.CancelAfter(limit);
        }

        var processes = new DatumProcesses();
        var environment = Environment(slot, spec, datumEnvironment.Variables);
        environment[DatumProcesses.Variable] = processes.Token;
        var command = Cli.Wrap(slot.Program(spec))
            .WithArguments(datumEnvironment.Arguments)
            .WithWorkingDirectory(folder)
            .WithEnvironmentVariables(environment)
            .WithStandardInputPipe(datumEnvironment.Stdin.Count == 0 ? PipeSource.Null : PipeSource.FromString(datumEnvironment.StdinText))
            .WithStandardOutputPipe(PipeTarget.Create(work.Log.CopyFromAsync))
            .WithStandardErrorPipe(PipeTarget.Create(work.Log.CopyFromAsync))
            .WithValidation(CommandResultValidation.None);

        int exitCode;
        try
        {
            exitCode = await RunToEndAsync(command, processes, timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return DatumOutcome.Failed(TimedOut(spec), sandbox.BytesRead);
        }
        catch (Exception e) when (e is Win32Exception or CliWrapException)
        {
            throw spec.Error(ErrorCodes.TransformStartFailed, StartFailure(spec, e));
        }
        finally
        {
            processes.KillLeftovers();
        }

        return await sandbox.OutcomeAsync(exitCode, spec, work.Content, cancellationToken);
    }

    /// <summary>
    /// Runs the transform and returns its exit code once it and everything it started have ended: when its own
    /// process exits, what it left running is killed (<see cref="DatumProcesses"/>), so nothing outlives the datum or
    /// changes <c>/pfs/out</c> while it is collected, and a background process holding the output pipes open does not
    /// keep the datum waiting.
    /// </summary>
    internal static async Task<int> RunToEndAsync(Command command, DatumProcesses processes, CancellationToken cancellationToken)
    {
        var running = command.ExecuteAsync(cancellationToken);
        try
        {
            using var main = Process.GetProcessById(running.ProcessId);
            await Task.WhenAny(running.Task, main.WaitForExitAsync(cancellationToken));
        }
        catch (ArgumentException)
        {
            // it has exited already
        }
        catch (OperationCanceledException)
        {
            // the command's own task reports the cancellation
        }

        processes.KillLeftovers();
        return (await running).ExitCode;
    }

    private async Task<DatumOutcome> RunBatchedAsync(
        LocalSlot slot, DatumSandbox sandbox, DatumEnvironment environment, DatumWork work, string folder, CancellationToken cancellationToken)
    {
        var spec = work.Spec;
        if (slot.Batch is { } stale && (stale.HasExited || stale.JobId != work.JobId))
        {
            slot.Batch = null;
            await stale.DisposeAsync();
        }

        slot.Batch ??= BatchProcess.Start(
            slot.Program(spec),
            environment.Arguments,
            folder,
            Environment(slot, spec, environment.JobVariables),
            environment.Stdin,
            slot.Sandbox.Folder,
            work.JobId);

        var result = await slot.Batch.RunDatumAsync(DatumLine(work, environment), spec.DatumTimeout, work.Log, cancellationToken);
        if (result.Status is { } status)
        {
            return await sandbox.OutcomeAsync(status, spec, work.Content, cancellationToken);
        }

        // It exited or was killed: this datum fails alone, and the slot's next datum starts a new process.
        var ended = slot.Batch;
        slot.Batch = null;
        await ended.DisposeAsync();
        var reason = result.TimedOut ? TimedOut(spec) : $"the batched transform exited with code {result.ExitCode} before acknowledging the datum";
        return DatumOutcome.Failed(reason, sandbox.BytesRead);
    }

    private static string TimedOut(Core.Pipelines.PipelineSpec spec) => $"timed out after {spec.DatumTimeout!.Value.TotalSeconds:0.#} s";
}
