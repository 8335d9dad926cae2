using System.Text.Json.Serialization;

namespace PipeBuild.Engine;

/// <summary>
/// Whether a pipeline is up to date and, if not, the step of the staleness chain it stopped at
/// (<see cref="StalenessChain"/>, docs/architecture.md) with its reason in words, and what a job would do with
/// its datums: like MSBuild's up-to-date reasons or <c>dvc status</c>.
/// </summary>
public sealed record PipelineStatus(string Pipeline, StalenessStep Step, string Reason, DatumCounts? Datums = null)
{
    /// <summary>Whether <c>run</c> would start a job of this pipeline now.</summary>
    public bool WillRun => Step is not (StalenessStep.UpToDate or StalenessStep.Waiting or StalenessStep.Stopped or StalenessStep.Spout or StalenessStep.Service);

    /// <summary>Whether a job may be started at all (<c>run --force</c> starts one of an up-to-date pipeline, never of these).</summary>
    public bool Runnable => Step is not (StalenessStep.Waiting or StalenessStep.Stopped or StalenessStep.Spout or StalenessStep.Service);

    public bool UpToDate => !WillRun;

    /// <summary>The reason with the datum counts, as <c>status</c> prints it.</summary>
    [JsonIgnore]
    public string Why => Datums is { } d ? $"{Reason}; {d}" : Reason;
}

/// <summary>
/// What a job would do with the datums: of <see cref="Total"/>, <see cref="New"/> and <see cref="Changed"/> ones run
/// (changed: the same datum id as in the last successful job, other contents), <see cref="Reused"/> ones take a
/// stored result, and <see cref="Removed"/> ones of the last successful job are gone.
/// </summary>
public sealed record DatumCounts(int Total, int New, int Changed, int Reused, int Removed)
{
    public int Run => New + Changed;

    public override string ToString() => $"{New} datum(s) new, {Changed} changed, {Removed} removed, {Reused} reused";
}

/// <summary>
/// The steps of the staleness chain in the order they are checked; a pipeline's status is the first that holds
/// (docs/architecture.md). <see cref="Stopped"/>, <see cref="Spout"/>, <see cref="Service"/>, <see cref="UpToDate"/> and <see cref="Waiting"/>
/// start no job; every other step does.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<StalenessStep>))]
public enum StalenessStep
{
    /// <summary>The pipeline was stopped (<c>pipeline stop</c>): nothing runs until <c>pipeline start</c>.</summary>
    [JsonStringEnumMemberName("stopped")]
    Stopped,

    /// <summary>A spout: it runs no jobs; <c>watch</c> runs its process, which commits to its output repo.</summary>
    [JsonStringEnumMemberName("spout")]
    Spout,

    /// <summary>A service: it runs no jobs; <c>watch</c> runs its process on its inputs' current commits.</summary>
    [JsonStringEnumMemberName("service")]
    Service,

    /// <summary>
    /// A secret (or key of one) the pipeline names is missing from the workspace: <c>run</c> would try a job and fail
    /// with PIPE4012 before anything is stored (<c>status</c> and the console say so rather than fail themselves).
    /// </summary>
    [JsonStringEnumMemberName("secret-missing")]
    SecretMissing,

    /// <summary>No input branch has a commit yet, and no pipeline it reads is about to write one: nothing to run.</summary>
    [JsonStringEnumMemberName("waiting")]
    Waiting,

    /// <summary>No job of the pipeline has succeeded yet.</summary>
    [JsonStringEnumMemberName("never-run")]
    NeverRun,

    /// <summary>The transform identity (command, environment, image digest, transform files) differs from the last successful job's.</summary>
    [JsonStringEnumMemberName("transform")]
    Transform,

    /// <summary>The input definition (repos, branches, globs, keys) differs from the last successful job's.</summary>
    [JsonStringEnumMemberName("input-definition")]
    InputDefinition,

    /// <summary>A pipeline this one reads runs first: its output commit will be a new input (datums are counted once it has run).</summary>
    [JsonStringEnumMemberName("upstream")]
    Upstream,

    /// <summary>An input branch's head is not the commit the last successful job read.</summary>
    [JsonStringEnumMemberName("input-commits")]
    InputCommits,

    /// <summary>The output branch's head is not the commit the last successful job wrote.</summary>
    [JsonStringEnumMemberName("output-branch")]
    OutputBranch,

    /// <summary>The pipeline copies its output to an egress URL the last successful job did not copy it to.</summary>
    [JsonStringEnumMemberName("egress")]
    Egress,

    /// <summary>Same definition, input commits and output commit as the last successful job.</summary>
    [JsonStringEnumMemberName("up-to-date")]
    UpToDate,
}
