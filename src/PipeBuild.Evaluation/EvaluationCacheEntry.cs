using PipeBuild.Core.Pipelines;

namespace PipeBuild.Evaluation;

/// <summary>
/// One <see cref="EvaluationCache"/> entry: the files an evaluation depended on and the property names they reference,
/// the fingerprint of those files and of the environment variables of those names, and the pipeline.
/// </summary>
public sealed record EvaluationCacheEntry(IReadOnlyList<string> Inputs, IReadOnlyList<string> Properties, string Fingerprint, PipelineSpec Spec);
