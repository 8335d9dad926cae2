using System.Text.Json.Serialization;

namespace PipeBuild.Store;

public enum FileChangeKind
{
    [JsonStringEnumMemberName("added")]
    Added,
    [JsonStringEnumMemberName("removed")]
    Removed,
    [JsonStringEnumMemberName("modified")]
    Modified,
}
