using PipeBuild.Core.Pipelines;

namespace PipeBuild.Engine;

/// <summary>
/// A registered pipeline as stored under <c>pipelines/NAME</c> (<see cref="EngineKeys.Pipeline"/>). <see cref="Salt"/> (set by <c>update --reprocess</c>) and
/// <see cref="PinnedIdentity"/> (set by <c>update --no-reprocess</c>) adjust which stored results count.
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

    /// <summary>The transform identity datum results are looked up under.</summary>
    /// <param name="executorIdentity">what the executor adds (<see cref="IDatumExecutor.ResolveIdentityAsync"/>);
    /// mixed in last, so a pinned identity still changes when, say, the image behind a tag does</param>
    public string EffectiveIdentity(string? executorIdentity = null)
    {
        var identity = PinnedIdentity ?? TransformIdentity.Compute(Spec);
        identity = Salt is null ? identity : Mix(identity, Salt);
        return executorIdentity is null ? identity : Mix(identity, executorIdentity);
    }

    private static string Mix(string identity, string extra) => Core.ContentHash.Of(System.Text.Encoding.UTF8.GetBytes(identity + "\n" + extra));
}
