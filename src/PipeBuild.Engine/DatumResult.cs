namespace PipeBuild.Engine;

/// <summary>
/// A successful datum's outputs, stored once under its datum hash in the results index (like Bazel's action
/// cache): any later job, branch or rollback with the same inputs and transform reuses it without running.
/// </summary>
public sealed record DatumResult(IReadOnlyList<OutputFile> Outputs, string? LogHash, double Seconds)
{
    /// <summary>
    /// True for a datum the error handler recovered: it has no outputs, and later jobs reuse that as they reuse a
    /// success (Pachyderm skips recovered datums too). Null, and not written, otherwise: results stored before it
    /// existed read the same.
    /// </summary>
    public bool? Recovered { get; init; }

    /// <summary>The result stored under <paramref name="datumHash"/>, or null when there is none (the datum failed, or gc removed it).</summary>
    public static async Task<DatumResult?> TryReadAsync(Store.IObjectStore objects, string datumHash, CancellationToken cancellationToken) =>
        await objects.TryReadAsync(EngineKeys.Result(datumHash), cancellationToken) is { } stored ? EngineJson.Deserialize<DatumResult>(stored) : null;
}
