namespace PipeBuild.Engine;

/// <summary>
/// What changed in a plan since an earlier input commit (<see cref="DatumPlanner.PlanChangesAsync"/>): the ids of
/// every datum that appeared, changed or went (<see cref="Ids"/>), and those of them that exist now, in plan order.
/// </summary>
public sealed record DatumChanges(IReadOnlyList<string> Ids, IReadOnlyList<Datum> Datums);
