using System.Text.Json;
using Microsoft.Build.Framework;

namespace PipeBuild.Tasks;

/// <summary>What <see cref="PipeCreatePipeline"/> and <see cref="PipeUpdatePipeline"/> share: <c>dotnet pipe pipeline create|update -f</c>.</summary>
public abstract class PipeSavePipeline : PipeToolTask
{
    /// <summary>The pipeline file: a <c>.pipeproj</c> or a Pachyderm <c>.json</c> spec.</summary>
    [Required]
    public ITaskItem Project { get; set; } = null!;

    /// <summary><c>Name=Value</c> properties for evaluating the project, over the build's global properties.</summary>
    public string[] Properties { get; set; } = [];

    /// <summary>The container image: the same as <c>Properties="Image=..."</c> (a <c>.pipeproj</c> only).</summary>
    public string? Image { get; set; }

    /// <summary>Register only; do not run the pipeline now.</summary>
    public bool NoRun { get; set; }

    /// <summary>The jobs the command ran (none with <see cref="NoRun"/> or when nothing was out of date).</summary>
    [Output]
    public ITaskItem[] Jobs { get; private set; } = [];

    protected abstract string Verb { get; }

    protected override string? DefaultFile => Project.GetMetadata("FullPath");

    protected override IEnumerable<string> Arguments()
    {
        yield return "pipeline";
        yield return Verb;
        yield return "--file";
        yield return Project.GetMetadata("FullPath");
        foreach (var property in PropertyArguments(string.IsNullOrWhiteSpace(Image) ? Properties : [.. Properties, $"Image={Image.Trim()}"]))
        {
            yield return property;
        }

        foreach (var option in Options())
        {
            yield return option;
        }

        if (NoRun)
        {
            yield return "--no-run";
        }

        yield return "--output";
        yield return "json";
    }

    protected virtual IEnumerable<string> Options() => [];

    protected override void Completed(JsonElement result) => Jobs = JobItems.Read(result, Log, GetType().Name, DefaultFile);
}
