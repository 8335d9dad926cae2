namespace PipeBuild.Engine;

/// <summary>
/// Keeps the process of each registered spout running while <c>watch</c> runs (<see cref="CheckAsync"/> at each of its
/// passes): it starts a spout that is not running, restarts one whose process ended (crashed or exited), with a line
/// saying so, and stops one that was stopped, deleted or redefined (a redefined spout starts again with its new
/// definition). A spout runs under the pipeline's claim (<see cref="PipelineClaim"/>), so two <c>watch</c>es of one
/// workspace run it once; the claim goes with its process, or with the watch's when that is gone.
/// </summary>
/// <param name="run">runs a spout's process to its end and returns its exit code (the local executor's <c>SpoutProcess</c>)</param>
/// <param name="log">where the lines about starts, exits and stops go</param>
public sealed class SpoutSupervisor(PipelineEngine engine, Func<PipelineDocument, CancellationToken, Task<int>> run, Action<string> log) : IAsyncDisposable
{
    /// <summary>
    /// Set in a spout's process to the spout's name: a <c>dotnet pipe file put</c> (or <c>commit start</c>) it runs to
    /// its output repo records the pipeline as the commit's origin.
    /// </summary>
    public const string Variable = "PIPE_SPOUT";

    private readonly Dictionary<string, Running> running = new(StringComparer.Ordinal);

    /// <summary>Starts, restarts and stops spout processes to match the registered pipelines.</summary>
    public async Task CheckAsync(CancellationToken cancellationToken)
    {
        var wanted = (await engine.Registry.ListAsync(cancellationToken)).Where(p => p.Spec.Spout && !p.Stopped).ToDictionary(p => p.Name, StringComparer.Ordinal);
        foreach (var (name, spout) in running.ToList())
        {
            if (!wanted.TryGetValue(name, out var pipeline) || pipeline.Version != spout.Pipeline.Version)
            {
                await StopAsync(name, pipeline is null ? "the pipeline was stopped or deleted" : $"the pipeline was updated to version {pipeline.Version}");
            }
            else if (spout.Process.IsCompleted)
            {
                var ended = spout.Process.Exception is { } e ? $"failed: {e.InnerException?.Message ?? e.Message}" : $"exited with code {spout.Process.Result}";
                log($"spout '{name}' {ended}; restarting it (restart {spout.Restarts + 1})");
                spout.Stop.Dispose();
                running[name] = Start(pipeline, spout.Claim, spout.Restarts + 1, cancellationToken);
            }
        }

        foreach (var pipeline in wanted.Values.Where(p => !running.ContainsKey(p.Name)))
        {
            if (await PipelineClaim.TryTakeAsync(engine.Store.Objects, engine.Jobs, pipeline.Name, cancellationToken) is { } claim)
            {
                log($"spout '{pipeline.Name}' started");
                running[pipeline.Name] = Start(pipeline, claim, restarts: 0, cancellationToken);
            }
        }
    }

    /// <summary>Stops every spout process this supervisor started, and lets their claims go.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var name in running.Keys.ToList())
        {
            await StopAsync(name, "watch stopped");
        }
    }

    private Running Start(PipelineDocument pipeline, PipelineClaim claim, int restarts, CancellationToken cancellationToken)
    {
        var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        return new Running(pipeline, claim, stop, Task.Run(() => run(pipeline, stop.Token), CancellationToken.None), restarts);
    }

    private async Task StopAsync(string name, string why)
    {
        var spout = running[name];
        running.Remove(name);
        await spout.Stop.CancelAsync();
        try
        {
            await spout.Process;
        }
        catch (Exception e) when (e is OperationCanceledException or Core.PipeException)
        {
            // killed as asked, or it had failed to start: either way it no longer runs
        }

        spout.Stop.Dispose();
        await spout.Claim.DisposeAsync();
        log($"spout '{name}' stopped: {why}");
    }

    private sealed record Running(PipelineDocument Pipeline, PipelineClaim Claim, CancellationTokenSource Stop, Task<int> Process, int Restarts);
}
