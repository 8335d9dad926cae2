using System.Text.Json;
using System.Text.Json.Serialization;
using PipeBuild.Core.Pipelines;

namespace PipeBuild.Engine;

/// <summary>Source-generated JSON for the engine's documents (pipelines, jobs, datum results).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(PipelineDocument))]
[JsonSerializable(typeof(PipelineSpec))]
[JsonSerializable(typeof(PipelineInput))]
[JsonSerializable(typeof(JobInfo))]
[JsonSerializable(typeof(DatumResult))]
[JsonSerializable(typeof(FinishedDatums))]
[JsonSerializable(typeof(ClaimDocument))]
public sealed partial class EngineJson : JsonSerializerContext
{
    public static byte[] Serialize<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, typeof(T), Default);

    public static T Deserialize<T>(ReadOnlySpan<byte> data) => (T)JsonSerializer.Deserialize(data, typeof(T), Default)!;
}
