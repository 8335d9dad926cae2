using PipeBuild.Store;

namespace PipeBuild.Engine;

/// <summary>Where the engine keeps its documents in the store (beside the store's own keys).</summary>
public static class EngineKeys
{
    public const string JobsPrefix = "jobs/";

    public const string PipelinesPrefix = "pipelines/";

    /// <summary>A registered pipeline's document (<see cref="PipelineDocument"/>).</summary>
    public static string Pipeline(string name) => PipelinesPrefix + name;

    public static string Job(string pipeline, string id) => $"jobs/{pipeline}/{id}";

    public static string JobsOf(string pipeline) => $"jobs/{pipeline}/";

    /// <summary>The id of a pipeline's last successful job (outside <see cref="JobsPrefix"/>: it is not a job record).</summary>
    public static string LastSuccess(string pipeline) => $"last-success/{pipeline}";

    /// <summary>The datums a running job has finished so far (<see cref="FinishedDatums"/>); removed when the job ends.</summary>
    public static string Finished(string jobId) => $"running/{jobId}";

    /// <summary>The process bringing a pipeline up to date now (<see cref="PipelineClaim"/>); absent when none is.</summary>
    public static string Claim(string pipeline) => $"claims/{pipeline}";

    public const string ResultsPrefix = "results/";

    /// <summary>The results index: one write-once entry per datum hash, shared by every branch and job.</summary>
    public static string Result(string datumHash) => $"{ResultsPrefix}{datumHash[..2]}/{datumHash[2..]}";
}
