using System.Text.Json.Serialization;

namespace PipeBuild.Evaluation;

/// <summary>Source-generated JSON for <see cref="EvaluationCache"/> entries.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, UseStringEnumConverter = true)]
[JsonSerializable(typeof(EvaluationCacheEntry))]
internal sealed partial class EvaluationJson : JsonSerializerContext;
