using System.Text.Json;
using System.Text.Json.Serialization;

namespace PipeBuild.Core.Pipelines;

/// <summary>
/// Where a pipeline's output is copied after each output commit (Pachyderm's <c>egress.URL</c>, docs/pipeproj.md#egress):
/// an S3 bucket and key prefix (<c>s3://bucket/prefix</c>, any S3-compatible endpoint) or a local folder
/// (<c>file:///absolute/folder</c>).
/// </summary>
[JsonConverter(typeof(TextConverter))]
public sealed record EgressUrl
{
    public const string S3Scheme = "s3://";
    public const string FileScheme = "file://";
    public const string Hint = "Use s3://BUCKET/PREFIX (e.g. s3://results/wordcount) or file:///ABSOLUTE/FOLDER.";

    private EgressUrl(string text) => Text = text;

    /// <summary>The URL as written.</summary>
    public string Text { get; }

    /// <summary>The bucket of an s3:// URL; null for a folder.</summary>
    public string? Bucket { get; private init; }

    /// <summary>The key prefix under <see cref="Bucket"/>, without slashes at its ends ("" for the whole bucket).</summary>
    public string Prefix { get; private init; } = "";

    /// <summary>The folder of a file:// URL; null for S3.</summary>
    public string? Folder { get; private init; }

    /// <exception cref="PipeException"><see cref="ErrorCodes.InvalidPipelineValue"/>: not an s3:// or absolute file:// URL.</exception>
    public static EgressUrl Parse(string text)
    {
        if (text.StartsWith(S3Scheme, StringComparison.Ordinal))
        {
            var (bucket, prefix, problem) = Names.SplitS3(text[S3Scheme.Length..]);
            if (problem is not null)
            {
                throw Invalid(text, problem);
            }

            return new EgressUrl(text) { Bucket = bucket, Prefix = prefix };
        }

        if (text.StartsWith(FileScheme, StringComparison.Ordinal))
        {
            var path = text[FileScheme.Length..];
            if (!path.StartsWith('/') || path.Split('/').Any(p => p is "." or "..") || path.Contains('\0'))
            {
                throw Invalid(text, "a file:// URL names an absolute folder without '.' or '..' segments, as in file:///srv/results (three slashes)");
            }

            return new EgressUrl(text) { Folder = path.Length > 1 ? path.TrimEnd('/') : path };
        }

        throw Invalid(text, "PipeBuild copies output to s3:// and file:// URLs");
    }

    public override string ToString() => Text;

    private static PipeException Invalid(string text, string why) =>
        new(ErrorCodes.InvalidPipelineValue, $"invalid egress URL '{text}': {why}.");

    /// <summary>Stored as the URL's text (public: the JSON source generators of the stores use it).</summary>
    public sealed class TextConverter : JsonConverter<EgressUrl>
    {
        public override EgressUrl Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => Parse(reader.GetString()!);

        public override void Write(Utf8JsonWriter writer, EgressUrl value, JsonSerializerOptions options) => writer.WriteStringValue(value.Text);
    }
}
