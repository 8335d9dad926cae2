using System.ComponentModel;
using System.Text;
using CliWrap;
using CliWrap.Exceptions;
using PipeBuild.Core;
using PipeBuild.Engine;

namespace PipeBuild.Executors.Local;

/// <summary>
/// Runs a datum's transform as a process on this machine, in the pipeline's folder, with <c>/pfs/</c> in its
/// arguments, stdin and environment mapped to the datum's sandbox. Cancellation and the datum timeout kill
/// the process tree.
/// </summary>
public sealed class LocalExecutor : IDatumExecutor
{
    public string Name => "local";

    public async Task<DatumOutcome> RunAsync(DatumWork work, CancellationToken cancellationToken)
    {
        var spec = work.Spec;
        var sandbox = await DatumSandbox.CreateAsync(work.Scratch, work.Datum, work.Content, cancellationToken);
        var log = new StringBuilder();
        var environment = new Dictionary<string, string?>
        {
            ["PIPE_DATUM_ID"] = work.Datum.Id,
            ["PIPE_JOB_ID"] = work.JobId,
            ["PIPE_PIPELINE"] = spec.Name,
            ["PACH_DATUM_ID"] = work.Datum.Id,
            ["PACH_JOB_ID"] = work.JobId,
            ["PIPE_PFS"] = sandbox.Root,
        };
        foreach (var input in work.Datum.Inputs)
        {
            // As in Pachyderm, an environment variable named after each input holds its datum's path.
            environment[input.Name] = Path.Combine(sandbox.Root, input.Name, input.MatchedPath);
        }

        var tools = Path.Combine(work.Scratch, "tools");
        foreach (var (name, value) in TransformTools.Prepare(spec, tools))
        {
            environment[name] = value;
        }

        foreach (var (name, value) in spec.Env)
        {
            environment[name] = sandbox.MapPfs(value);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (spec.DatumTimeout is { } limit)
        {
            timeout.CancelAfter(limit);
        }

        var command = Cli.Wrap(TransformTools.Resolve(spec.Command[0], tools))
            .WithArguments(spec.Command.Skip(1).Select(sandbox.MapPfs))
            .WithWorkingDirectory(spec.WorkingDirectory ?? Directory.GetCurrentDirectory())
            .WithEnvironmentVariables(environment)
            .WithStandardInputPipe(PipeSource.FromString(string.Concat(spec.Stdin.Select(line => sandbox.MapPfs(line) + "\n"))))
            .WithStandardOutputPipe(PipeTarget.ToDelegate(line => Append(log, line)))
            .WithStandardErrorPipe(PipeTarget.ToDelegate(line => Append(log, line)))
            .WithValidation(CommandResultValidation.None);

        int exitCode;
        try
        {
            exitCode = (await command.ExecuteAsync(timeout.Token)).ExitCode;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return DatumOutcome.Failed($"timed out after {spec.DatumTimeout!.Value.TotalSeconds:0.#} s", log.ToString(), sandbox.BytesRead);
        }
        catch (Exception e) when (e is Win32Exception or CliWrapException)
        {
            throw new PipeException(ErrorCodes.TransformStartFailed, $"{spec.SourceFile ?? spec.Name}: cannot start '{spec.Command[0]}': {e.Message}. Check the pipeline's Command.");
        }

        return await sandbox.OutcomeAsync(exitCode, spec, log.ToString(), work.Content, cancellationToken);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static void Append(StringBuilder log, string line)
    {
        lock (log)
        {
            log.Append(line).Append('\n');
        }
    }
}
