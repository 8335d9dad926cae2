using System.Text;
using PipeBuild.Core;

namespace PipeBuild.Engine;

/// <summary>
/// The unit of work: one combination of input file sets. <see cref="Id"/> names it by what it matched
/// (input names and matched paths), so the same datum keeps its id when its content changes;
/// <see cref="Hash"/> adds every file's content hash and the transform, and changes when any of them does, and
/// marks an input the transform sees as empty files (its contents still count: a link to one is its content).
/// Neither is cached: a job holds every datum at once, and a million cached hashes would be a quarter GiB.
/// </summary>
public sealed record Datum(IReadOnlyList<DatumInput> Inputs)
{
    public string Id => ContentHash.Of(Encoding.UTF8.GetBytes(Describe("\n")));

    /// <summary>A short description for logs and messages: input:/path, ...</summary>
    public string Describe() => Describe(", ");

    public Datum Concat(Datum other) => new([.. Inputs, .. other.Inputs]);

    /// <summary>The datum's result key under <paramref name="transform"/> (a transform identity): equal keys give equal outputs.</summary>
    public string Hash(string transform)
    {
        var text = new StringBuilder(transform).Append('\n');
        foreach (var input in Inputs)
        {
            // Only when set ('+' is in no input name), so every other datum hashes as it always did.
            text.Append(input.Name).Append(input.EmptyFiles ? "+empty" : "").Append(":/").Append(input.MatchedPath).Append('\n');
            foreach (var file in input.Files)
            {
                text.Append(' ').Append(file.Path).Append(' ').Append(file.Content.Hash).Append('\n');
            }
        }

        return ContentHash.Of(Encoding.UTF8.GetBytes(text.ToString()));
    }

    private string Describe(string separator) => string.Join(separator, Inputs.Select(i => $"{i.Name}:/{i.MatchedPath}"));
}
