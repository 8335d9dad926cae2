using PipeBuild.Core.Pipelines;
using PipeBuild.Store;

namespace PipeBuild.Engine;

/// <summary>Everything an executor needs to run one try of one datum.</summary>
/// <param name="Scratch">an empty folder the executor may use for this try (removed afterwards)</param>
public sealed record DatumWork(PipelineSpec Spec, Datum Datum, string JobId, int Try, ContentStore Content, string Scratch);
