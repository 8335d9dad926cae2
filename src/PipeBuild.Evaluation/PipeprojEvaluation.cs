using PipeBuild.Core.Pipelines;

namespace PipeBuild.Evaluation;

/// <summary>
/// A <c>.pipeproj</c>'s pipeline, with every file its evaluation read or probed (<see cref="Inputs"/>) and whether
/// evaluating the same files again gives the same pipeline (<see cref="Repeatable"/>: no item wildcards or
/// property functions outside the SDK).
/// </summary>
public sealed record PipeprojEvaluation(PipelineSpec Spec, IReadOnlyList<string> Inputs, bool Repeatable);
