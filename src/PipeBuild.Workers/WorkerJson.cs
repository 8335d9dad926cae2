using System.Text.Json;
using System.Text.Json.Serialization;

namespace PipeBuild.Workers;

/// <summary>Source-generated JSON for the worker protocol's documents.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(WorkRun))]
[JsonSerializable(typeof(WorkItem))]
[JsonSerializable(typeof(WorkClaim))]
[JsonSerializable(typeof(WorkResult))]
public sealed partial class WorkerJson : JsonSerializerContext
{
    public static byte[] Serialize<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, typeof(T), Default);

    public static T Deserialize<T>(ReadOnlySpan<byte> data) => (T)JsonSerializer.Deserialize(data, typeof(T), Default)!;
}
