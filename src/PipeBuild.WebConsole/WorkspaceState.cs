using PipeBuild.Engine;

namespace PipeBuild.WebConsole;

/// <summary>
/// The registered pipelines as the console and <c>dag --format</c> show them: each one's staleness verdict, its jobs,
/// and the graph with every pipeline's node state (failed when its last job failed and it would run again, running
/// while a job runs, else up to date, out of date or waiting (no input commit yet), titled with the staleness chain's reason).
/// </summary>
public sealed record WorkspaceState(GraphPicture Picture, IReadOnlyList<PipelineStatus> Statuses, IReadOnlyList<JobInfo> Jobs)
{
    public static async Task<WorkspaceState> LoadAsync(PipelineEngine engine, CancellationToken cancellationToken)
    {
        var pipelines = await engine.Registry.ListAsync(cancellationToken);
        var statuses = await engine.StatusAsync(cancellationToken);
        var jobs = await engine.Jobs.ListAsync(null, cancellationToken);
        var nodes = new Dictionary<string, GraphNode>(StringComparer.Ordinal);
        foreach (var status in statuses)
        {
            var latest = jobs.Where(j => j.Pipeline == status.Pipeline).MaxBy(j => j.Started);
            nodes[status.Pipeline] = latest switch
            {
                { State: JobState.Starting or JobState.Running } running =>
                    new GraphNode(status.Pipeline, NodeState.Running, $"running: {running.DatumsProcessed + running.DatumsSkipped + running.DatumsFailed} of {running.DatumsTotal} datums"),
                { State: JobState.Failure or JobState.Killed } failed when status.WillRun =>
                    new GraphNode(status.Pipeline, NodeState.Failed, $"last job {failed.State.ToString().ToLowerInvariant()}: {failed.Reason}"),
                _ => new GraphNode(status.Pipeline, status.Step switch { StalenessStep.UpToDate or StalenessStep.Spout or StalenessStep.Service => NodeState.UpToDate, StalenessStep.Waiting or StalenessStep.Stopped => NodeState.Waiting, _ => NodeState.OutOfDate }, status.Why),
            };
        }

        return new WorkspaceState(GraphPicture.Of(pipelines, nodes), statuses, jobs);
    }
}
