namespace PipeBuild.Store;

/// <summary>Who makes a commit and from which input commits (a pipeline job's output records its provenance).</summary>
public sealed record CommitOrigin(string Origin, IReadOnlyList<CommitProvenance> Provenance)
{
    /// <summary>What a job's output commit's origin starts with; the pipeline's name follows.</summary>
    public const string PipelinePrefix = "pipeline:";

    public static readonly CommitOrigin User = new("user", []);

    /// <summary>The origin of a job's output: the pipeline, and the input commits the job read.</summary>
    public static CommitOrigin Pipeline(string name, IReadOnlyList<CommitProvenance> provenance) => new(PipelinePrefix + name, provenance);

    /// <summary>The pipeline that wrote a commit of this <paramref name="origin"/>, or null when a user did.</summary>
    public static string? PipelineOf(string origin) => origin.StartsWith(PipelinePrefix, StringComparison.Ordinal) ? origin[PipelinePrefix.Length..] : null;
}
