using PipeBuild.Engine;

namespace PipeBuild.Workers;

/// <summary>
/// What a worker reports for an item (write-once: the first result wins): the datum's outcome with its log
/// stored as content, or <see cref="ErrorCode"/> when the transform could not even start.
/// </summary>
public sealed record WorkResult
{
    public required string Worker { get; init; }

    public bool Succeeded { get; init; }

    public string? Reason { get; init; }

    public IReadOnlyList<OutputFile> Outputs { get; init; } = [];

    public string? LogHash { get; init; }

    public long BytesRead { get; init; }

    public long BytesWritten { get; init; }

    /// <summary>A PIPE error the worker hit (for example a transform that cannot start), raised again by the engine.</summary>
    public string? ErrorCode { get; init; }
}
