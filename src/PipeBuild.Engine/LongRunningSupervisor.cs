namespace PipeBuild.Engine;

/// <summary>
/// Keeps the process of each registered spout and service running while <c>watch</c> runs (<see cref="CheckAsync"/> at
/// each of its passes): it starts one that is not running (a service once each of its inputs has a commit), restarts
/// one whose process ended (crashed or exited), with a line saying so, restarts a service whose inputs moved on so that
/// it serves their new commits, and stops one that was stopped, deleted or redefined (a redefined one starts again with
/// its new definition). Each runs under the pipeline's claim (<see cref="PipelineClaim"/>), so two <c>watch</c>es of
/// one workspace run it once; the claim goes with its process, or with the watch's when that is gone.
/// </summary>
/// <param name="run">runs a pipeline's process to its end and returns its exit code (the local executor's
/// <c>LongRunningProcess</c>), a service's on the input commits given</param>
/// <param name="log">where the lines about starts, exits and stops go</param>
public sealed class LongRunningSupervisor(PipelineEngine engine, Func<PipelineDocument, JobInputs?, CancellationToken, Task<int>> run, Action<string> log) : IAsyncDisposable
{
    /// <summary>
    /// Set in a spout's process to the spout's name: a <c>dotnet pipe file put</c> (or <c>commit start</c>) it runs to
    /// its output repo records the pipeline as the commit's origin.
    /// </summary>
    public const string SpoutVariable = "PIPE_SPOUT";

    /// <summary>A process that ends sooner after its start is restarted after a wait (<see cref="MaxWait"/> at most).</summary>
    private static readonly TimeSpan QuickExit = TimeSpan.FromMinutes(1);

    private static readonly TimeSpan MaxWait = TimeSpan.FromMinutes(5);

    private readonly Dictionary<string, Running> running = new(StringComparer.Ordinal);

    /// <summary>Starts, restarts and stops processes to match the registered pipelines and a service's input commits.</summary>
    public async Task CheckAsync(CancellationToken cancellationToken)
    {
        var planner = new JobPlanner(engine.Store, engine.Jobs);
        var wanted = new Dictionary<string, (PipelineDocument Pipeline, JobInputs? Inputs)>(StringComparer.Ordinal);
        foreach (var pipeline in (await engine.Registry.ListAsync(cancellationToken)).Where(p => p.Spec.LongRunning && !p.Stopped))
        {
            wanted[pipeline.Name] = (pipeline, pipeline.Spec.Service is null ? null : await planner.ReadInputsAsync(pipeline.Spec, cancellationToken));
        }

        foreach (var (name, process) in running.ToList())
        {
            if (!wanted.TryGetValue(name, out var now))
            {
                await StopAsync(name, "the pipeline was stopped or deleted");
            }
            else if (!await process.Claim.RenewAsync(cancellationToken))
            {
                await StopAsync(name, "another watch took its claim over");
            }
            else if (now.Pipeline.Version != process.Pipeline.Version)
            {
                await StopAsync(name, $"the pipeline was updated to version {now.Pipeline.Version}");
            }
            else if (Serves(now.Inputs) != Serves(process.Inputs))
            {
                await StopAsync(name, $"its inputs moved on to {Serves(now.Inputs)}");
            }
            else if (process.Task.IsCompleted && !cancellationToken.IsCancellationRequested)
            {
                var clock = engine.Time.GetUtcNow();
                var current = process;
                if (current.RetryAt is null)
                {
                    // One that ran a while was doing its work: it starts again at once. One that keeps ending at once (a
                    // command not found, a port taken) waits longer each time, 1 s doubling to 5 min, rather than spin.
                    var quick = clock - current.Started < QuickExit;
                    var restarts = quick ? current.Restarts : 0;
                    var wait = restarts == 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(Math.Min(MaxWait.TotalSeconds, Math.Pow(2, restarts - 1)));
                    var ended = current.Task.Exception is { } e ? $"failed: {e.InnerException?.Message ?? e.Message}"
                        : current.Task.IsCanceled ? "was cancelled"
                        : $"exited with code {current.Task.Result}";
                    log($"{Kind(current.Pipeline)} '{name}' {ended}; restarting it{(wait > TimeSpan.Zero ? $" in {Core.Durations.Format(wait)}" : "")} (restart {restarts + 1})");
                    running[name] = current = current with { RetryAt = clock + wait, Restarts = restarts };
                }

                if (clock >= current.RetryAt)
                {
                    current.Stop.Dispose();
                    running[name] = Start(now.Pipeline, now.Inputs, current.Claim, current.Restarts + 1, cancellationToken);
                }
            }
        }

        foreach (var (pipeline, inputs) in wanted.Values.Where(w => !running.ContainsKey(w.Pipeline.Name) && HasEveryInput(w.Pipeline, w.Inputs)))
        {
            if (await PipelineClaim.TryTakeAsync(engine.Store.Objects, engine.Jobs, pipeline.Name, cancellationToken) is { } claim)
            {
                log($"{Kind(pipeline)} '{pipeline.Name}' started{(pipeline.Spec.Service is { } service ? $" on port {service.InternalPort}, serving {Serves(inputs)}" : "")}");
                running[pipeline.Name] = Start(pipeline, inputs, claim, restarts: 0, cancellationToken);
            }
        }
    }

    /// <summary>Stops every process this supervisor started, and lets their claims go.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var name in running.Keys.ToList())
        {
            await StopAsync(name, "watch stopped");
        }
    }

    private static string Kind(PipelineDocument pipeline) => pipeline.Spec.Spout ? "spout" : "service";

    /// <summary>What a service serves, as <c>INPUT@COMMIT</c> words; empty for a spout.</summary>
    private static string Serves(JobInputs? inputs) =>
        inputs is null ? "" : string.Join(", ", inputs.Commits.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key}@{c.Value.Id}"));

    /// <summary>A spout always; a service once each of its inputs has a commit to serve.</summary>
    private static bool HasEveryInput(PipelineDocument pipeline, JobInputs? inputs) =>
        inputs is null || pipeline.Spec.Input.Leaves().All(l => inputs.Commits.ContainsKey(l.InputName));

    private Running Start(PipelineDocument pipeline, JobInputs? inputs, PipelineClaim claim, int restarts, CancellationToken cancellationToken)
    {
        var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        return new Running(pipeline, inputs, claim, stop, Task.Run(() => run(pipeline, inputs, stop.Token), CancellationToken.None), restarts, engine.Time.GetUtcNow());
    }

    private async Task StopAsync(string name, string why)
    {
        var process = running[name];
        running.Remove(name);
        await process.Stop.CancelAsync();
        try
        {
            await process.Task;
        }
        catch (Exception) when (process.Task.IsCompleted)
        {
            // killed as asked, or it had failed (to start, to check its inputs out): either way it no longer runs, and
            // one stopped process must not end watch and the others
        }

        process.Stop.Dispose();
        await process.Claim.DisposeAsync();
        log($"{Kind(process.Pipeline)} '{name}' stopped: {why}");
    }

    /// <param name="RetryAt">once it has ended: when it starts again</param>
    private sealed record Running(PipelineDocument Pipeline, JobInputs? Inputs, PipelineClaim Claim, CancellationTokenSource Stop, Task<int> Task, int Restarts, DateTimeOffset Started, DateTimeOffset? RetryAt = null);
}
