namespace PipeBuild.Core.Pipelines;

/// <summary>The datums of every input, one after the other.</summary>
public sealed record UnionInput(IReadOnlyList<PipelineInput> Inputs) : PipelineInput
{
    public override IEnumerable<PfsInput> Leaves() => Inputs.SelectMany(i => i.Leaves());
}
