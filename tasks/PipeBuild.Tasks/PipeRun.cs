using System.Text.Json;
using Microsoft.Build.Framework;

namespace PipeBuild.Tasks;

/// <summary>
/// Brings pipelines up to date, as <c>dotnet pipe run</c> does: registers the given pipeline projects that are
/// new or changed (upstream first), then runs their pipelines (and what they read) in dependency order,
/// rerunning only datums whose inputs or transform changed. With no <see cref="Projects"/>, the workspace's own
/// <c>.pipeproj</c> files are registered and every pipeline runs.
/// </summary>
public sealed class PipeRun : PipeToolTask
{
    /// <summary>Pipeline files (<c>.pipeproj</c> or Pachyderm <c>.json</c>) to register and run.</summary>
    public ITaskItem[] Projects { get; set; } = [];

    /// <summary>Further pipelines to run by name (with what they read).</summary>
    public string[] Pipelines { get; set; } = [];

    /// <summary><c>Name=Value</c> properties for evaluating the projects, over the build's global properties.</summary>
    public string[] Properties { get; set; } = [];

    /// <summary>Start a job even for up-to-date pipelines (stored datum results are still reused).</summary>
    public bool Force { get; set; }

    /// <summary>One item per job run; see the metadata on <see cref="JobItems.Read"/>. Empty when everything was up to date.</summary>
    [Output]
    public ITaskItem[] Jobs { get; private set; } = [];

    protected override string? DefaultFile => Projects.Length == 1 ? Projects[0].GetMetadata("FullPath") : null;

    protected override IEnumerable<string> Arguments()
    {
        yield return "run";
        foreach (var pipeline in Pipelines.Where(p => !string.IsNullOrWhiteSpace(p)))
        {
            yield return pipeline.Trim();
        }

        foreach (var project in Projects)
        {
            yield return "--file";
            yield return project.GetMetadata("FullPath");
        }

        foreach (var property in PropertyArguments(Properties))
        {
            yield return property;
        }

        if (Force)
        {
            yield return "--force";
        }

        yield return "--output";
        yield return "json";
    }

    protected override void Completed(JsonElement result) => Jobs = JobItems.Read(result, Log, nameof(PipeRun), DefaultFile);
}
