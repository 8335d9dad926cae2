namespace PipeBuild.Core;

/// <summary>How <c>file put --split</c> cuts a source into records.</summary>
public enum SplitFormat
{
    Line,
    Json,
    Csv,
}
