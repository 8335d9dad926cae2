using PipeBuild.Core.Pipelines;

namespace PipeBuild.Evaluation;

/// <summary>
/// A <c>.pipeproj</c>'s pipeline, with every file its evaluation read or probed (<see cref="Inputs"/>), the property
/// names those files reference (<see cref="Properties"/>: an environment variable of one of these names can change
/// the result, any other cannot) and whether evaluating the same files again gives the same pipeline
/// (<see cref="Repeatable"/>: no item wildcards or property functions outside the SDK).
/// </summary>
public sealed record PipeprojEvaluation(PipelineSpec Spec, IReadOnlyList<string> Inputs, IReadOnlyList<string> Properties, bool Repeatable);
