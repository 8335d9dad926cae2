using System.Text.Json.Serialization;

namespace PipeBuild.Engine;

/// <summary>
/// What happened to a datum in a job. Stored in the datum table by its JSON name (docs/store-format.md), so a
/// member's name there is part of the format; <see cref="Recovered"/> is kept for error handlers (a failed datum
/// whose handler succeeded: neither failed nor in the output).
/// </summary>
public enum DatumState
{
    /// <summary>Ran in this job and succeeded.</summary>
    [JsonStringEnumMemberName("success")]
    Success,

    /// <summary>Not run: a stored result of the same datum hash was reused.</summary>
    [JsonStringEnumMemberName("skipped")]
    Skipped,

    [JsonStringEnumMemberName("failed")]
    Failed,

    [JsonStringEnumMemberName("recovered")]
    Recovered,
}

/// <summary>The stored names of <see cref="DatumState"/> (the datum table's binary rows carry them as text).</summary>
public static class DatumStates
{
    public static string Name(this DatumState state) => state switch
    {
        DatumState.Success => "success",
        DatumState.Skipped => "skipped",
        DatumState.Failed => "failed",
        DatumState.Recovered => "recovered",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };

    /// <summary>The state stored as <paramref name="name"/>; null for a name this version does not know.</summary>
    public static DatumState? TryParse(string name) => name switch
    {
        "success" => DatumState.Success,
        "skipped" => DatumState.Skipped,
        "failed" => DatumState.Failed,
        "recovered" => DatumState.Recovered,
        _ => null,
    };
}
