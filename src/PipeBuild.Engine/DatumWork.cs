using PipeBuild.Core.Pipelines;
using PipeBuild.Store;

namespace PipeBuild.Engine;

/// <summary>Everything an executor needs to run one try of one datum.</summary>
/// <param name="Spec">the pipeline; for the error handler's run, <see cref="PipelineSpec.AsErrorHandler"/> of it</param>
/// <param name="Scratch">an empty folder the executor may use for this try (removed afterwards)</param>
/// <param name="Log">where the try's stdout, stderr and the executor's notes about it go, as they arrive</param>
public sealed record DatumWork(PipelineSpec Spec, Datum Datum, string JobId, int Try, ContentStore Content, string Scratch, DatumLog Log)
{
    /// <summary>Whether this runs the pipeline's error handler on a datum that failed (executors that fetch the spec themselves need to know).</summary>
    public bool ErrorHandler { get; init; }
}
