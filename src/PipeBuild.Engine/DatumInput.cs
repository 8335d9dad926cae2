using System.Text.Json.Serialization;

namespace PipeBuild.Engine;

/// <summary>
/// One input's part of a datum: the entry its glob matched (<see cref="MatchedPath"/>, "" for the whole repo)
/// and every file under it, in the input commit <see cref="Commit"/>.
/// </summary>
public sealed record DatumInput(string Name, string Repo, string Branch, string Commit, string MatchedPath, IReadOnlyList<DatumFile> Files)
{
    /// <summary>The join or group key this part was matched with, if any.</summary>
    public string? Key { get; init; }

    /// <summary>
    /// The transform sees these files empty (<see cref="Core.Pipelines.PfsInput.EmptyFiles"/>). In a work item's JSON
    /// only when set, so every other work item is written as before.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool EmptyFiles { get; init; }
}
