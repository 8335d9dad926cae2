namespace PipeBuild.Store;

/// <summary>Who makes a commit and from which input commits (a pipeline job's output records its provenance).</summary>
public sealed record CommitOrigin(string Origin, IReadOnlyList<CommitProvenance> Provenance)
{
    public static readonly CommitOrigin User = new("user", []);
}
