using System.ComponentModel;
using CliWrap;
using CliWrap.Exceptions;
using PipeBuild.Core;
using PipeBuild.Core.Pipelines;
using PipeBuild.Engine;

namespace PipeBuild.Executors.Local;

/// <summary>
/// A spout's or a service's transform as a process on this machine, run as a datum's is (its WorkingDir or the
/// pipeline's folder, its TransformPackages on PATH, <c>/pfs</c> mapped to a folder, everything it started killed when
/// it ends) but for as long as it runs. A spout has no <c>/pfs</c>: it commits to its output repo itself with
/// <c>dotnet pipe file put</c>; a service's <c>/pfs</c> holds its inputs' current commits.
/// </summary>
public static class LongRunningProcess
{
    /// <summary>
    /// Runs the process until it exits, returning the exit code; cancelling kills it and what it started.
    /// <paramref name="variables"/> come after the spec's <c>PipeEnv</c> (a PipeEnv of the same name does not replace
    /// them); <paramref name="pfs"/>, when given, is the folder <c>/pfs</c> in its arguments, stdin and PipeEnv stands
    /// for; each line it writes to stdout or stderr goes to <paramref name="log"/>; its secrets' variables come from
    /// <paramref name="secrets"/>, as a datum's do (<see cref="LocalExecutor"/>).
    /// </summary>
    public static async Task<int> RunAsync(
        PipelineSpec spec, IReadOnlyDictionary<string, string> variables, string scratch, string? pfs, Action<string> log, SecretStore? secrets, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(variables);
        string Map(string text) => pfs is null ? text : DatumEnvironment.MapPfs(text, pfs);
        var folder = LocalExecutor.ProcessFolder(spec, secrets);
        await using var slot = new LocalSlot(scratch);
        var processes = new DatumProcesses();
        var environment = slot.Tools(spec).ToDictionary(t => t.Key, string? (t) => t.Value);
        foreach (var (name, value) in (secrets?.Variables(spec) ?? []).Concat(spec.Env.Select(e => KeyValuePair.Create(e.Key, Map(e.Value)))).Concat(variables))
        {
            environment[name] = value;
        }

        environment[DatumProcesses.Variable] = processes.Token;
        var command = Cli.Wrap(slot.Program(spec))
            .WithArguments(spec.Command.Skip(1).Select(Map))
            .WithWorkingDirectory(folder)
            .WithEnvironmentVariables(environment)
            .WithStandardInputPipe(spec.Stdin.Count == 0 ? PipeSource.Null : PipeSource.FromString(string.Concat(spec.Stdin.Select(l => Map(l) + "\n"))))
            .WithStandardOutputPipe(PipeTarget.ToDelegate(log))
            .WithStandardErrorPipe(PipeTarget.ToDelegate(log))
            .WithValidation(CommandResultValidation.None);
        try
        {
            return await LocalExecutor.RunToEndAsync(command, processes, cancellationToken);
        }
        catch (Exception e) when (e is Win32Exception or CliWrapException)
        {
            throw spec.Error(ErrorCodes.TransformStartFailed, LocalExecutor.StartFailure(spec, e));
        }
        finally
        {
            processes.KillLeftovers();
        }
    }
}
