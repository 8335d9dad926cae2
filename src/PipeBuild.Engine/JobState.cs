using System.Text.Json.Serialization;

namespace PipeBuild.Engine;

public enum JobState
{
    [JsonStringEnumMemberName("starting")]
    Starting,
    [JsonStringEnumMemberName("running")]
    Running,
    [JsonStringEnumMemberName("success")]
    Success,
    [JsonStringEnumMemberName("failure")]
    Failure,
    [JsonStringEnumMemberName("killed")]
    Killed,
}
