using PipeBuild.Engine;

namespace PipeBuild.Workers;

/// <summary>One try of one datum, published by the engine for any worker to claim.</summary>
public sealed record WorkItem(string Id, Datum Datum, int Try);
