namespace PipeBuild.Engine;

/// <summary>What a job's egress did (docs/pipeproj.md#egress).</summary>
/// <param name="Url">The egress URL the output commit was copied to.</param>
/// <param name="Written">Files written (new or changed since the commit copied there before).</param>
/// <param name="Deleted">Files deleted (gone from the output since then).</param>
public sealed record EgressReport(string Url, int Written, int Deleted)
{
    /// <summary>
    /// True while the copy runs, and on a job whose copy failed or was cut short (its counts are 0: what reached the
    /// target is unknown): the next copy to the URL also undoes what this one may have written. Null once it is done
    /// (not stored).
    /// </summary>
    public bool? Incomplete { get; init; }
}
