namespace PipeBuild.Core.Pipelines;

/// <summary>Every combination of one datum from each input.</summary>
public sealed record CrossInput(IReadOnlyList<PipelineInput> Inputs) : PipelineInput
{
    public override IEnumerable<PfsInput> Leaves() => Inputs.SelectMany(i => i.Leaves());
}
