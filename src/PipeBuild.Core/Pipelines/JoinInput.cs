namespace PipeBuild.Core.Pipelines;

/// <summary>Datums of the inputs whose <see cref="PfsInput.JoinOn"/> keys are equal, combined into one.</summary>
public sealed record JoinInput(IReadOnlyList<PfsInput> Inputs) : PipelineInput
{
    public override IEnumerable<PfsInput> Leaves() => Inputs;
}
