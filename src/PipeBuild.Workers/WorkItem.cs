using PipeBuild.Engine;

namespace PipeBuild.Workers;

/// <summary>One try of one datum, published by the engine for any worker to claim.</summary>
public sealed record WorkItem(string Id, Datum Datum, int Try)
{
    /// <summary>Run the pipeline's error handler instead of its command (<see cref="DatumWork.ErrorHandler"/>).</summary>
    public bool ErrorHandler { get; init; }
}
