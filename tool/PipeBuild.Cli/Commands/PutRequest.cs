using PipeBuild.Core;

namespace PipeBuild.Cli.Commands;

/// <summary>The options of one <c>file put</c>.</summary>
internal sealed record PutRequest(
    CommitRef Target, string[] Sources, bool Recursive, bool Append, SplitFormat? Split, int RecordsPerFile, long BytesPerFile, int HeaderRecords)
{
    /// <summary>Whether the target path names a folder that sources go into (several sources, -r, --split, or a trailing '/').</summary>
    public bool IntoFolder => Sources.Length > 1 || (Target.Path?.EndsWith('/') ?? false);
}
