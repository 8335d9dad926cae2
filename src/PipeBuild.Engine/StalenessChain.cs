using PipeBuild.Core;
using PipeBuild.Store;

namespace PipeBuild.Engine;

/// <summary>
/// The one decision of whether a pipeline is out of date, and why: a chain of checks in a fixed order, each against
/// the pipeline's last successful job, the status being the first that holds (docs/architecture.md):
/// waiting (no input commit) → never run → transform identity → input definition → upstream runs first → input
/// commits → output branch moved → egress URL → up to date. Then, for a pipeline that would run, what its job would do with the
/// datums, planned by the job's own planner (<see cref="JobPlanner"/>). <c>run</c>, <c>status</c>,
/// <c>run --question</c>, <c>watch</c> and the MSBuild tasks all decide through it.
/// </summary>
public sealed class StalenessChain(VersionStore store, JobStore jobs, CronTicks cron, TimeProvider time)
{
    private readonly JobPlanner planner = new(store, jobs);

    /// <summary>
    /// Whether cron ticks and branch triggers due now count as new input commits (<c>status</c>: <c>run</c> would
    /// commit or move them first). False for <c>run</c> itself, which has just done so and judges what is there: a tick
    /// that came due since must not start a job on unchanged inputs.
    /// </summary>
    public bool PredictClock { get; init; } = true;

    /// <param name="identity">the pipeline's transform identity with what its executor adds (<see cref="JobRunner.IdentityAsync"/>)</param>
    /// <param name="upstreamRunning">pipelines that run before this one in the same pass</param>
    /// <param name="countDatums">whether to plan the datums of a pipeline that would run (a plan's cost; <c>run</c> leaves it to the job)</param>
    public async Task<PipelineStatus> CheckAsync(
        PipelineDocument pipeline, string identity, IReadOnlySet<string> upstreamRunning, bool countDatums, CancellationToken cancellationToken)
    {
        if (pipeline.Stopped)
        {
            return new PipelineStatus(pipeline.Name, StalenessStep.Stopped, $"stopped: 'dotnet pipe pipeline start {pipeline.Name}' resumes it");
        }

        if (pipeline.Spec.Spout)
        {
            return new PipelineStatus(pipeline.Name, StalenessStep.Spout, "spout: its process runs under 'dotnet pipe watch' and commits to its output repo");
        }

        if (pipeline.Spec.Service is { } service)
        {
            return new PipelineStatus(pipeline.Name, StalenessStep.Service, $"service: its process serves its inputs on port {service.ExternalPort} under 'dotnet pipe watch'");
        }

        var spec = pipeline.Spec;
        var inputs = await planner.ReadInputsAsync(spec, cancellationToken);
        var last = await jobs.LastSuccessAsync(pipeline.Name, cancellationToken);
        var inputHash = JobRunner.InputIdentity(spec.Input);
        var (step, reason) = await DecideAsync(pipeline, identity, inputHash, inputs, last, cancellationToken);

        var upstream = pipeline.InputRepos.Where(upstreamRunning.Contains).ToList();
        if (upstream.Count > 0 && step is StalenessStep.Waiting or StalenessStep.InputCommits or StalenessStep.OutputBranch or StalenessStep.UpToDate)
        {
            (step, reason) = (StalenessStep.Upstream, $"{Pipelines(upstream)} {string.Join(", ", upstream)} {(upstream.Count == 1 ? "runs" : "run")} first: a new input commit");
        }

        // Ticks due on a cron input are input commits that run writes before it looks (CronTicks).
        var due = PredictClock ? await cron.DueAsync(spec, cancellationToken) : [];
        if (due.Count > 0 && upstream.Count == 0 && NewInputDecides(step))
        {
            var (input, ticks) = due[0];
            (step, reason) = (StalenessStep.InputCommits, $"cron input {input.InputName} has {ticks.Count} tick(s) due, the newest {Core.Pipelines.CronSchedule.FileName(ticks[^1])}");
        }

        // A trigger due by now moves its input branch when run looks, as a tick commits (PipelineEngine.RunAsync).
        var triggered = false;
        if (PredictClock && due.Count == 0 && upstream.Count == 0 && NewInputDecides(step))
        {
            foreach (var (repo, branch) in spec.Input.Leaves().Select(l => (l.Repo, l.Branch)).Distinct())
            {
                if (await store.TriggerDueAsync(repo, branch, time.GetUtcNow(), cancellationToken) is { } fire)
                {
                    (step, reason, triggered) = (StalenessStep.InputCommits, $"input {repo}@{branch} is due to move to {Short(fire.Head)} (trigger: {fire.Trigger})", true);
                    break;
                }
            }
        }

        var status = new PipelineStatus(pipeline.Name, step, reason);
        if (!countDatums || !status.WillRun || upstream.Count > 0 || due.Count > 0 || triggered)
        {
            return status; // an upstream job, a tick or a trigger changes the input the datums would be planned from
        }

        return status with { Datums = await CountDatumsAsync(pipeline, identity, inputHash, inputs, last, cancellationToken) };
    }

    /// <summary>Whether a new input commit (a cron tick, a trigger's move) is the reason to give over <paramref name="step"/>: a step about inputs or output, or none.</summary>
    private static bool NewInputDecides(StalenessStep step) =>
        step is StalenessStep.Waiting or StalenessStep.InputCommits or StalenessStep.OutputBranch or StalenessStep.Egress or StalenessStep.UpToDate;

    private async Task<(StalenessStep, string)> DecideAsync(
        PipelineDocument pipeline, string identity, string inputHash, JobInputs inputs, JobInfo? last, CancellationToken cancellationToken)
    {
        var spec = pipeline.Spec;
        if (inputs.Commits.Count == 0)
        {
            return (StalenessStep.Waiting, "waiting: no input branch has a commit yet");
        }

        if (last is null)
        {
            return (StalenessStep.NeverRun, "never run successfully");
        }

        var job = $"job {Short(last.Id)}";
        if (last.TransformHash != identity)
        {
            var keeps = pipeline.KeptIdentity(identity, last) is null ? "" : "; pipeline update keeps its results: only new or changed datums run";
            return (StalenessStep.Transform, $"transform changed since {job} (command, environment, image or its digest, or a transform file){keeps}");
        }

        if (last.InputHash != inputHash)
        {
            return (StalenessStep.InputDefinition, $"input definition changed since {job} (repos, branches, globs or keys)");
        }

        if (!inputs.Provenance.SequenceEqual(last.Inputs))
        {
            if (inputs.Provenance.Except(last.Inputs).FirstOrDefault() is not { } moved)
            {
                return (StalenessStep.InputCommits, $"input commits differ from those {job} read");
            }

            var then = last.Inputs.FirstOrDefault(i => i.Repo == moved.Repo && i.Branch == moved.Branch);
            return (StalenessStep.InputCommits, $"input {moved.Repo}@{moved.Branch} is at {Short(moved.Commit)}; {job} read {(then is null ? "none of it" : Short(then.Commit))}");
        }

        var output = (await store.TryGetBranchAsync(spec.Name, spec.OutputBranch, cancellationToken))?.Head;
        if (output != last.OutputCommit)
        {
            return (StalenessStep.OutputBranch, $"output branch {spec.Name}@{spec.OutputBranch} is at {(output is null ? "no commit" : Short(output))}; {job} wrote {(last.OutputCommit is { } c ? Short(c) : "none")}");
        }

        if (spec.Egress is { } egress && last.Egress?.Url != egress.Text)
        {
            return (StalenessStep.Egress, $"output not yet copied to {egress} ({job} {(last.Egress is { } before ? $"copied it to {before.Url}" : "copied it nowhere")})");
        }

        return (StalenessStep.UpToDate, $"up to date with {job}");
    }

    /// <summary>Plans the job as it would run and counts its datums: run (new, changed), reused, and removed since the last successful job.</summary>
    private async Task<DatumCounts> CountDatumsAsync(
        PipelineDocument pipeline, string identity, string inputHash, JobInputs inputs, JobInfo? last, CancellationToken cancellationToken)
    {
        var plan = await planner.PlanAsync(pipeline.Spec, last, identity, pipeline.KeptIdentity(identity, last), inputHash, inputs.Commits, ranBefore: null, found: null, cancellationToken);
        var previous = plan.Changes is { } changes ? changes.Before.Select(d => Digest.Parse(d.Id)).ToHashSet()
            : last is { DatumTable: not null } ? (await jobs.GetDatumKeysAsync(last, cancellationToken)).Select(d => d.Id).ToHashSet()
            : [];
        int added = 0, changed = 0;
        foreach (var i in plan.ToRun)
        {
            if (previous.Contains(Digest.Parse(plan.Datums[i].Id)))
            {
                changed++;
            }
            else
            {
                added++;
            }
        }

        previous.ExceptWith(plan.Datums.Select(d => Digest.Parse(d.Id)));
        return new DatumCounts(plan.Total, added, changed, plan.Reused, previous.Count);
    }

    private static string Pipelines(IReadOnlyCollection<string> names) => names.Count == 1 ? "pipeline" : "pipelines";

    private static string Short(string id) => id.Length > 12 ? id[..12] : id;
}
