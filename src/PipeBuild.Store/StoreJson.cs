using System.Text.Json;
using System.Text.Json.Serialization;

namespace PipeBuild.Store;

/// <summary>Source-generated JSON for store documents: canonical (fixed property order) and fast at start-up.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(CommitInfo))]
[JsonSerializable(typeof(RepoInfo))]
[JsonSerializable(typeof(BranchDocument))]
[JsonSerializable(typeof(StoreFormatDocument))]
public sealed partial class StoreJson : JsonSerializerContext
{
    public static byte[] Serialize<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, typeof(T), Default);

    public static T Deserialize<T>(ReadOnlySpan<byte> data) => (T)JsonSerializer.Deserialize(data, typeof(T), Default)!;
}
