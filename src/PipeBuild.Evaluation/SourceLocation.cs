namespace PipeBuild.Evaluation;

/// <summary>
/// Where a value came from, for messages in the <c>file(line,col)</c> form that editors and CI logs link to.
/// A line of 0 means the position is unknown (a global property, a whole file).
/// </summary>
internal readonly record struct SourceLocation(string File, int Line = 0, int Column = 0)
{
    public override string ToString() => Line > 0 ? $"{File}({Line},{Column})" : File;
}
