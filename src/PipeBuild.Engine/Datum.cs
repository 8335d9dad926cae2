using System.Text;
using PipeBuild.Core;

namespace PipeBuild.Engine;

/// <summary>
/// The unit of work: one combination of input file sets. <see cref="Id"/> names it by what it matched
/// (input names and matched paths), so the same datum keeps its id when its content changes;
/// <see cref="ContentKey"/> adds every file's content hash and changes when any input file does.
/// </summary>
public sealed record Datum(IReadOnlyList<DatumInput> Inputs)
{
    private string? id;
    private string? contentKey;

    public string Id => id ??= ContentHash.Of(Encoding.UTF8.GetBytes(string.Join('\n', Inputs.Select(i => $"{i.Name}:/{i.MatchedPath}"))));

    /// <summary>Identity plus the content of every file the datum reads.</summary>
    public string ContentKey => contentKey ??= ComputeContentKey();

    /// <summary>A short description for logs and messages: input:/path, ...</summary>
    public string Describe() => string.Join(", ", Inputs.Select(i => $"{i.Name}:/{i.MatchedPath}"));

    public Datum Concat(Datum other) => new([.. Inputs, .. other.Inputs]);

    private string ComputeContentKey()
    {
        var text = new StringBuilder();
        foreach (var input in Inputs)
        {
            text.Append(input.Name).Append(":/").Append(input.MatchedPath).Append('\n');
            foreach (var file in input.Files)
            {
                text.Append(' ').Append(file.Path).Append(' ').Append(file.Content.Hash).Append('\n');
            }
        }

        return ContentHash.Of(Encoding.UTF8.GetBytes(text.ToString()));
    }
}
