namespace PipeBuild.Core.Pipelines;

/// <summary>All files (across the inputs) with the same <see cref="PfsInput.GroupBy"/> key form one datum.</summary>
public sealed record GroupInput(IReadOnlyList<PfsInput> Inputs) : PipelineInput
{
    public override IEnumerable<PfsInput> Leaves() => Inputs;
}
