using PipeBuild.Core.Pipelines;

namespace PipeBuild.Engine;

/// <summary>
/// A registered pipeline as stored under <c>pipelines/NAME</c> (<see cref="EngineKeys.Pipeline"/>). <see cref="Salt"/> (set by <c>update --reprocess</c>),
/// <see cref="KeepsResultsOf"/> (set by <c>update</c> without it) and <see cref="PinnedIdentity"/> (written by older versions' <c>update --no-reprocess</c>)
/// adjust which stored results count.
/// </summary>
public sealed record PipelineDocument
{
    public required string Name { get; init; }

    public required IReadOnlyList<string> InputRepos { get; init; }

    public required PipelineSpec Spec { get; init; }

    public DateTimeOffset Created { get; init; }

    public DateTimeOffset Updated { get; init; }

    public int Version { get; init; } = 1;

    public string? Salt { get; init; }

    public string? PinnedIdentity { get; init; }

    /// <summary>
    /// The effective identity of the pipeline's last successful job when <c>pipeline update</c> (without
    /// <c>--reprocess</c>) stored this definition: until a job of this definition succeeds, a datum with no result of
    /// its own takes the result it has under that identity (Pachyderm keeps processed datums across an update).
    /// </summary>
    public string? KeepsResultsOf { get; init; }

    /// <summary>
    /// Set by <c>pipeline stop</c> (pachctl's <c>stop pipeline</c>), cleared by <c>pipeline start</c>: a stopped pipeline runs
    /// no job and its spout's process is stopped. Kept by <c>pipeline update</c>; written only when set.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)]
    public bool Stopped { get; init; }

    /// <summary>The transform identity datum results are looked up under.</summary>
    /// <param name="executorIdentity">what the executor adds (<see cref="IDatumExecutor.ResolveIdentityAsync"/>);
    /// mixed in last, so a pinned identity still changes when, say, the image behind a tag does</param>
    public string EffectiveIdentity(string? executorIdentity = null)
    {
        var identity = PinnedIdentity ?? TransformIdentity.Compute(Spec);
        identity = Salt is null ? identity : Mix(identity, Salt);
        return executorIdentity is null ? identity : Mix(identity, executorIdentity);
    }

    /// <summary>
    /// The identity whose results a job under <paramref name="identity"/> after <paramref name="last"/> takes over:
    /// <see cref="KeepsResultsOf"/> while <paramref name="last"/> is still the job it was taken from, else null.
    /// </summary>
    public string? KeptIdentity(string identity, JobInfo? last) =>
        KeepsResultsOf is { } kept && kept != identity && last?.TransformHash == kept ? kept : null;

    private static string Mix(string identity, string extra) => Core.ContentHash.Of(System.Text.Encoding.UTF8.GetBytes(identity + "\n" + extra));
}
