namespace PipeBuild.Tasks;

/// <summary>Registers a new pipeline and runs it on its inputs' current commits (<c>dotnet pipe pipeline create</c>).</summary>
public sealed class PipeCreatePipeline : PipeSavePipeline
{
    protected override string Verb => "create";
}
