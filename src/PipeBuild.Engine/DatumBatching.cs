using PipeBuild.Core;
using PipeBuild.Core.Pipelines;

namespace PipeBuild.Engine;

/// <summary>DatumBatching (one transform process for many datums) is a local executor feature.</summary>
public static class DatumBatching
{
    /// <summary>Refuses a batched pipeline on an executor that runs one process (or container) per datum.</summary>
    public static void ThrowIfUnsupported(PipelineSpec spec, string executor)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.DatumBatching)
        {
            throw spec.Error(
                ErrorCodes.DatumBatchingUnsupported,
                $"DatumBatching works with the local executor only, and this pipeline runs on the {executor} executor. Remove <DatumBatching> (or \"datum_batching\"), or use <Executor>local</Executor>.");
        }
    }
}
