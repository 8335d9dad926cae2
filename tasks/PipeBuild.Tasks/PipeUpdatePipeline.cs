using PipeBuild.Core;

namespace PipeBuild.Tasks;

/// <summary>
/// Changes a registered pipeline's definition and brings its output up to date (<c>dotnet pipe pipeline update</c>).
/// With <see cref="PipeSavePipeline.Image"/> it is the CI step "set the image tag, update with reprocess".
/// </summary>
public sealed class PipeUpdatePipeline : PipeSavePipeline
{
    /// <summary>
    /// <c>true</c>: rerun every datum (<c>--reprocess</c>); <c>false</c> (<c>--no-reprocess</c>) or empty: keep the
    /// results of datums the previous definition processed, as <c>pipeline update</c> does by default.
    /// </summary>
    public string? Reprocess { get; set; }

    protected override string Verb => "update";

    protected override IEnumerable<string> Options()
    {
        if (string.IsNullOrWhiteSpace(Reprocess))
        {
            return [];
        }

        if (bool.TryParse(Reprocess.Trim(), out var all))
        {
            return [all ? "--reprocess" : "--no-reprocess"];
        }

        LogPipeError(ErrorCodes.InvalidTaskParameter, $"Reprocess=\"{Reprocess}\" is not true or false. Use true (rerun every datum), false (keep results for unchanged inputs), or leave it empty.");
        return [];
    }
}
