using System.Text.Json.Serialization;

namespace PipeBuild.Engine;

/// <summary>What <c>pipeline update</c> does with results computed by the previous definition.</summary>
public enum Reprocess
{
    /// <summary>Results count only for the same transform identity: a changed transform reruns every datum (the build-system rule of <c>run</c>).</summary>
    [JsonStringEnumMemberName("changed")]
    Changed,

    /// <summary>Rerun every datum, even if nothing about the transform changed (<c>--reprocess</c>).</summary>
    [JsonStringEnumMemberName("all")]
    All,

    /// <summary>
    /// Keep the results of the datums the last successful job processed: only new or changed datums run
    /// (<c>pipeline update</c>'s default, as Pachyderm's; <see cref="PipelineDocument.KeepsResultsOf"/>).
    /// </summary>
    [JsonStringEnumMemberName("none")]
    None,
}
