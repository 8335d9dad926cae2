using System.Text.Json.Serialization;

namespace PipeBuild.Core.Pipelines;

/// <summary>
/// Files of a repo branch matched by a glob. <see cref="Name"/> is where the transform sees them
/// (<c>/pfs/NAME</c>; the repo name by default). <see cref="JoinOn"/> / <see cref="GroupBy"/> are capture-group
/// templates such as <c>$1</c> used by join and group inputs.
/// </summary>
public sealed record PfsInput(string Repo, string Glob, string Branch = CommitRef.DefaultBranch, string? Name = null) : PipelineInput
{
    public string? JoinOn { get; init; }

    public string? GroupBy { get; init; }

    /// <summary>For join: also emit this input's files that match nothing (Pachyderm's outer_join).</summary>
    public bool OuterJoin { get; init; }

    /// <summary>A cron input (Pachyderm's <c>input.cron</c>): the clock whose ticks commit to <see cref="Repo"/>; null for a plain repo input.</summary>
    public CronSchedule? Cron { get; init; }

    /// <summary>
    /// The transform sees this input's files empty: names present, zero bytes (Pachyderm's empty_files), for a
    /// transform that only needs names. Left out of the JSON when false, so the input identity of every pipeline
    /// that does not set it is what it was.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool EmptyFiles { get; init; }

    /// <summary>
    /// The trigger registering the pipeline sets on <see cref="Branch"/> (Pachyderm's <c>pfs.trigger</c>): the branch then
    /// moves to the trigger branch's head in batches. Null for none, and then left out of the JSON, so the input identity
    /// of every pipeline without one is what it was.
    /// </summary>
    public BranchTrigger? Trigger { get; init; }

    public string InputName => Name ?? Repo;

    public override IEnumerable<PfsInput> Leaves() => [this];
}
