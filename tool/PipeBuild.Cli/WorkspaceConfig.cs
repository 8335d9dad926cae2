using System.Text.Json;
using PipeBuild.Core;

namespace PipeBuild.Cli;

/// <summary>
/// The contents of <c>.pipe/config.json</c>. <paramref name="Store"/> is <c>local</c> or <c>s3://BUCKET/PREFIX</c>;
/// <paramref name="S3Endpoint"/> names an S3-compatible server; <paramref name="S3CacheMiB"/> bounds the local
/// cache of objects read from S3 (0: none); <paramref name="Executor"/> runs the pipelines whose file names none
/// (null: local).
/// </summary>
internal sealed record WorkspaceConfig(
    string Store = "local", string DefaultBranch = CommitRef.DefaultBranch, string? S3Endpoint = null, int? S3CacheMiB = null, string? Executor = null)
{
    public static WorkspaceConfig Load(string path)
    {
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllText(path), CliJson.Default.WorkspaceConfig) ?? new WorkspaceConfig();
        }
        catch (JsonException e)
        {
            throw new PipeException(ErrorCodes.InvalidConfig, $"{path}({e.LineNumber + 1},{e.BytePositionInLine + 1}): invalid JSON: {e.Message} Fix or delete the file.");
        }
    }

    /// <summary>Writes the file whole or not at all: a crash leaves the old settings, never half of the new ones.</summary>
    public void Save(string path)
    {
        var temporary = $"{path}.{Environment.ProcessId}.tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(this, CliJson.Default.WorkspaceConfig));
        File.Move(temporary, path, overwrite: true);
    }
}
