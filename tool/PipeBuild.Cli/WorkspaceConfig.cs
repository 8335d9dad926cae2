using System.Text.Json;
using PipeBuild.Core;

namespace PipeBuild.Cli;

/// <summary>The contents of <c>.pipe/config.json</c>.</summary>
internal sealed record WorkspaceConfig(string Store = "local", string DefaultBranch = CommitRef.DefaultBranch)
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

    public void Save(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, CliJson.Default.WorkspaceConfig));
}
