namespace PipeBuild.Core;

/// <summary>
/// One step applied after a reference's base: <c>^N</c> / <c>~N</c> go N parents back,
/// <c>.N</c> selects the N-th commit counted from the oldest of the base's history (1 is the first).
/// </summary>
public readonly record struct AncestryStep(bool FromOldest, int Count)
{
    public override string ToString() => FromOldest ? $".{Count}" : $"~{Count}";
}
