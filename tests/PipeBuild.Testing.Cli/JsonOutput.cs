using System.Text.Json;

namespace PipeBuild.Testing;

/// <summary>Reads <c>--output json</c>.</summary>
public static class JsonOutput
{
    public static JsonElement Parse(PipeResult result) => JsonDocument.Parse(result.ShouldSucceed().Stdout).RootElement;

    public static string[] Column(PipeResult result, string property) =>
        [.. Parse(result).EnumerateArray().Select(e => e.GetProperty(property).ToString())];
}
