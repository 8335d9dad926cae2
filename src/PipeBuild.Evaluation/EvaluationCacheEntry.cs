using PipeBuild.Core.Pipelines;

namespace PipeBuild.Evaluation;

/// <summary>One <see cref="EvaluationCache"/> entry: the files an evaluation depended on, their fingerprint, and its pipeline.</summary>
public sealed record EvaluationCacheEntry(IReadOnlyList<string> Inputs, string Fingerprint, PipelineSpec Spec);
