using System.Text.Json;
using System.Text.Json.Serialization;

namespace PipeBuild.Store.S3;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UseStringEnumConverter = true)]
[JsonSerializable(typeof(S3StoreDescriptor))]
internal sealed partial class S3Json : JsonSerializerContext
{
    public static byte[] Serialize<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, typeof(T), Default);

    public static T? TryDeserialize<T>(ReadOnlySpan<byte> data)
        where T : class
    {
        try
        {
            return (T?)JsonSerializer.Deserialize(data, typeof(T), Default);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
