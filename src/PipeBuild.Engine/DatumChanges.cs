namespace PipeBuild.Engine;

/// <summary>
/// What changed in a plan between two input commits (<see cref="DatumPlanner.PlanChangesAsync"/>): the datums of
/// the matches that differ as they were (<see cref="Before"/>: changed or gone) and as they are (<see cref="After"/>:
/// changed or new), each in plan order. Every other datum is the same in both plans.
/// </summary>
public sealed record DatumChanges(IReadOnlyList<Datum> Before, IReadOnlyList<Datum> After)
{
    /// <summary>The ids of every datum that appeared, changed or went.</summary>
    public IEnumerable<string> Ids => Before.Concat(After).Select(d => d.Id).Distinct(StringComparer.Ordinal);
}
