using System.Text.Json.Serialization;

namespace PipeBuild.Core.Pipelines;

/// <summary>A pipeline's input expression: a repo glob, or a combination of inputs (Pachyderm's input spec).</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(PfsInput), "pfs")]
[JsonDerivedType(typeof(CrossInput), "cross")]
[JsonDerivedType(typeof(UnionInput), "union")]
[JsonDerivedType(typeof(JoinInput), "join")]
[JsonDerivedType(typeof(GroupInput), "group")]
public abstract record PipelineInput
{
    /// <summary>Every repo input below this one, depth first.</summary>
    public abstract IEnumerable<PfsInput> Leaves();
}
