using System.Text.Json;
using System.Text.Json.Serialization;
using PipeBuild.Core;

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
[JsonSerializable(typeof(KeptCommitDocument))]
[JsonSerializable(typeof(BranchTrigger))]
public sealed partial class StoreJson : JsonSerializerContext
{
    public static byte[] Serialize<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, typeof(T), Default);

    /// <summary>Reads the document stored under <paramref name="key"/>; damaged content is a PIPE error naming the key.</summary>
    public static T Deserialize<T>(ReadOnlySpan<byte> data, string key)
    {
        try
        {
            return JsonSerializer.Deserialize(data, typeof(T), Default) is T value
                ? value
                : throw Damaged(key, "it is empty (null)");
        }
        catch (JsonException e)
        {
            throw Damaged(key, $"not valid JSON: {e.Message}");
        }
    }

    /// <summary>The error for a store document that cannot be what its key says: it names the key and what to do.</summary>
    public static PipeException Damaged(string key, string reason) =>
        new(ErrorCodes.Corrupt, $"the store document '{key}' is damaged ({reason}); run 'dotnet pipe fsck', and restore it from a copy of the store or 'store sync'.", ExitCodes.InternalError);
}
