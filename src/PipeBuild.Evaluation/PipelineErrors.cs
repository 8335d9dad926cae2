using PipeBuild.Core;

namespace PipeBuild.Evaluation;

/// <summary>The <c>PIPE2xxx</c> errors, all worded <c>where: what is wrong. What to do.</c></summary>
internal static class PipelineErrors
{
    public static PipeException Invalid(SourceLocation where, string what, string todo) =>
        PipeException.At(where.ToString(), ErrorCodes.InvalidPipelineValue, $"{what} {todo}");

    public static PipeException Invalid(string where, string what, string todo) =>
        PipeException.At(where, ErrorCodes.InvalidPipelineValue, $"{what} {todo}");
}
