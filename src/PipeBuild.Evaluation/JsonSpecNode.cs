using System.Text;
using System.Text.Json;

namespace PipeBuild.Evaluation;

/// <summary>
/// A JSON value with the byte offset it starts at. <see cref="JsonDocument"/> forgets positions, and a message
/// about a wrong field should point at it, so the spec reader builds this small tree with a
/// <see cref="Utf8JsonReader"/> instead.
/// </summary>
internal sealed class JsonSpecNode(JsonValueKind kind, long offset)
{
    public JsonValueKind Kind { get; } = kind;

    public long Offset { get; } = offset;

    /// <summary>A string's value, or a number's text as written.</summary>
    public string? Text { get; private init; }

    public List<Member> Members { get; } = [];

    public List<JsonSpecNode> Items { get; } = [];

    /// <summary>Every top-level value in the text (Pachyderm reads several specs from one file).</summary>
    public static List<JsonSpecNode> ParseAll(ReadOnlySpan<byte> utf8)
    {
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions
        {
            CommentHandling = JsonCommentHandling.Skip,
            AllowTrailingCommas = true,
            AllowMultipleValues = true,
        });
        var values = new List<JsonSpecNode>();
        while (reader.Read())
        {
            values.Add(Read(ref reader));
        }

        return values;
    }

    private static JsonSpecNode Read(ref Utf8JsonReader reader)
    {
        var offset = reader.TokenStartIndex;
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                var obj = new JsonSpecNode(JsonValueKind.Object, offset);
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var nameOffset = reader.TokenStartIndex;
                    var name = GetString(ref reader);
                    reader.Read();
                    obj.Members.Add(new Member(name, nameOffset, Read(ref reader)));
                }

                return obj;
            case JsonTokenType.StartArray:
                var array = new JsonSpecNode(JsonValueKind.Array, offset);
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    array.Items.Add(Read(ref reader));
                }

                return array;
            case JsonTokenType.String:
                return new JsonSpecNode(JsonValueKind.String, offset) { Text = GetString(ref reader) };
            case JsonTokenType.Number:
                return new JsonSpecNode(JsonValueKind.Number, offset) { Text = Encoding.UTF8.GetString(reader.ValueSpan) };
            case JsonTokenType.True:
                return new JsonSpecNode(JsonValueKind.True, offset);
            case JsonTokenType.False:
                return new JsonSpecNode(JsonValueKind.False, offset);
            default:
                return new JsonSpecNode(JsonValueKind.Null, offset);
        }
    }

    /// <summary>
    /// The string's value. The reader checks a string's syntax but not its text, so a <c>\uD800</c> with no low
    /// surrogate after it (or bytes that are not UTF-8) fails only here, and not as a <see cref="JsonException"/>.
    /// </summary>
    private static string GetString(ref Utf8JsonReader reader)
    {
        try
        {
            return reader.GetString()!;
        }
        catch (InvalidOperationException e)
        {
            throw new InvalidTextException(reader.TokenStartIndex, e.Message, e);
        }
    }

    public sealed record Member(string Name, long Offset, JsonSpecNode Value);

    /// <summary>A string token, at <see cref="Offset"/> in the bytes parsed, whose text is no valid Unicode.</summary>
    internal sealed class InvalidTextException(long offset, string message, Exception inner) : Exception(message, inner)
    {
        public long Offset { get; } = offset;
    }
}
