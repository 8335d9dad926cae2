using PipeBuild.Core.Pipelines;
using PipeBuild.Engine;

namespace PipeBuild.Executors.Local;

/// <summary>
/// What one worker of the local executor keeps between datums: its sandbox folder, the launchers of the
/// pipeline's TransformPackages, and, with DatumBatching, the transform process serving its datums.
/// </summary>
internal sealed class LocalSlot(string folder) : IWorkerSlot
{
    private PipelineSpec? toolsFor;
    private IReadOnlyDictionary<string, string> toolsEnvironment = new Dictionary<string, string>();

    public SandboxSlot Sandbox { get; } = new(folder);

    public string ToolsFolder => Path.Combine(Sandbox.Folder, "tools");

    public BatchProcess? Batch { get; set; }

    /// <summary>The environment the TransformPackages' launchers need, written once per slot and pipeline.</summary>
    public IReadOnlyDictionary<string, string> Tools(PipelineSpec spec)
    {
        if (!ReferenceEquals(toolsFor, spec))
        {
            toolsEnvironment = TransformTools.Prepare(spec, ToolsFolder);
            toolsFor = spec;
        }

        return toolsEnvironment;
    }

    /// <summary>The program to start: a TransformPackage launcher if <paramref name="program"/> names one.</summary>
    public string Program(PipelineSpec spec) =>
        Tools(spec).Count == 0 ? spec.Command[0] : TransformTools.Resolve(spec.Command[0], ToolsFolder);

    public async ValueTask DisposeAsync()
    {
        if (Batch is { } batch)
        {
            Batch = null;
            await batch.DisposeAsync();
        }

        Sandbox.Dispose();
    }
}
