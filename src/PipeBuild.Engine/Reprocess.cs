using System.Text.Json.Serialization;

namespace PipeBuild.Engine;

/// <summary>What <c>pipeline update</c> does with results computed by the previous definition.</summary>
public enum Reprocess
{
    /// <summary>Results count only for the same transform identity: a changed transform reruns every datum (the build-system default).</summary>
    [JsonStringEnumMemberName("changed")]
    Changed,

    /// <summary>Rerun every datum, even if nothing about the transform changed (<c>--reprocess</c>).</summary>
    [JsonStringEnumMemberName("all")]
    All,

    /// <summary>Keep using the previous definition's results for unchanged inputs (<c>--no-reprocess</c>, Pachyderm's default).</summary>
    [JsonStringEnumMemberName("none")]
    None,
}
