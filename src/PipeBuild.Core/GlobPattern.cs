using System.Text;
using System.Text.RegularExpressions;

namespace PipeBuild.Core;

/// <summary>
/// Pachyderm's glob patterns over repo paths: <c>/</c> is the root, <c>*</c> and <c>?</c> stay inside one
/// path segment, <c>**</c> crosses segments, <c>[abc]</c>/<c>[!abc]</c> are classes, <c>{a,b}</c> alternatives
/// and <c>(...)</c> capture groups (join and group keys).
/// </summary>
public sealed class GlobPattern
{
    private readonly Regex regex;

    private GlobPattern(string text, Regex regex, int maxDepth)
    {
        Text = text;
        this.regex = regex;
        MaxDepth = maxDepth;
    }

    public string Text { get; }

    /// <summary>The deepest path (in segments) the pattern can match; <see cref="int.MaxValue"/> with <c>**</c>.</summary>
    public int MaxDepth { get; }

    /// <summary>
    /// Whether the canonical repo path (no leading '/', "" for the root) matches. Only "/" matches the root:
    /// a wildcard stands for a name, and the root has none ("/*" names the top-level entries, not the root).
    /// </summary>
    public bool IsMatch(string path) => path.Length == 0 ? MaxDepth == 0 : regex.IsMatch(path);

    public static GlobPattern Parse(string text)
    {
        var trimmed = text.Trim('/');
        var pattern = new StringBuilder("^");
        var braces = 0;
        var groups = 0;
        for (var i = 0; i < trimmed.Length; i++)
        {
            var c = trimmed[i];
            switch (c)
            {
                case '*' when i + 1 < trimmed.Length && trimmed[i + 1] == '*':
                    i++;
                    if (i + 1 < trimmed.Length && trimmed[i + 1] == '/')
                    {
                        i++;
                        pattern.Append("(?:.*/)?"); // "**/" also matches no directory at all
                    }
                    else
                    {
                        pattern.Append(".*");
                    }

                    break;
                case '*':
                    pattern.Append("[^/]*");
                    break;
                case '?':
                    pattern.Append("[^/]");
                    break;
                case '(':
                    groups++;
                    pattern.Append('(');
                    break;
                case ')' when groups > 0:
                    groups--;
                    pattern.Append(')');
                    break;
                case '[':
                    var close = i + 2 <= trimmed.Length ? trimmed.IndexOf(']', i + 2) : -1; // "[]]" holds a ']'
                    if (close < 0)
                    {
                        throw Invalid(text, "'[' has no matching ']'");
                    }

                    var set = trimmed[(i + 1)..close];
                    pattern.Append('[').Append(set[0] is '!' or '^' ? "^" + Regex.Escape(set[1..]) : Regex.Escape(set)).Append(']');
                    i = close;
                    break;
                case '{':
                    braces++;
                    pattern.Append("(?:");
                    break;
                case '}' when braces > 0:
                    braces--;
                    pattern.Append(')');
                    break;
                case ',' when braces > 0:
                    pattern.Append('|');
                    break;
                default:
                    pattern.Append(Regex.Escape(c.ToString()));
                    break;
            }
        }

        if (groups != 0)
        {
            throw Invalid(text, "'(' has no matching ')'");
        }

        if (braces != 0)
        {
            throw Invalid(text, "'{' has no matching '}'");
        }

        pattern.Append('$');
        var depth = trimmed.Contains("**", StringComparison.Ordinal) ? int.MaxValue
            : trimmed.Length == 0 ? 0 : trimmed.Split('/').Length;
        try
        {
            return new GlobPattern(text, new Regex(pattern.ToString(), RegexOptions.CultureInvariant | RegexOptions.Singleline), depth);
        }
        catch (ArgumentException e)
        {
            throw Invalid(text, e.Message.TrimEnd('.')); // a class such as [!] or [z-a]
        }
    }

    /// <summary>
    /// Fills a join/group key template (<c>$1</c>, <c>$2</c>, ...) with the pattern's capture groups,
    /// written <c>(...)</c> in the glob as in Pachyderm; null when <paramref name="path"/> does not match.
    /// </summary>
    public string? Expand(string path, string template)
    {
        var match = regex.Match(path);
        return match.Success ? match.Result(template) : null;
    }

    public override string ToString() => Text;

    private static PipeException Invalid(string text, string why) =>
        new(ErrorCodes.InvalidGlob, $"invalid glob '{text}': {why}.");
}
