using System.Text;
using System.Text.RegularExpressions;

namespace PipeBuild.Core;

/// <summary>
/// Pachyderm's glob patterns over repo paths: <c>/</c> is the root, <c>*</c> and <c>?</c> stay inside one
/// path segment, <c>**</c> crosses segments, <c>[abc]</c>/<c>[!abc]</c> are classes and <c>{a,b}</c> alternatives.
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

    /// <summary>Whether the canonical repo path (no leading '/', "" for the root) matches.</summary>
    public bool IsMatch(string path) => regex.IsMatch(path);

    public static GlobPattern Parse(string text)
    {
        var trimmed = text.Trim('/');
        var pattern = new StringBuilder("^");
        var braces = 0;
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
                case '[':
                    var close = trimmed.IndexOf(']', i + 2);
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

        if (braces != 0)
        {
            throw Invalid(text, "'{' has no matching '}'");
        }

        pattern.Append('$');
        var depth = trimmed.Contains("**", StringComparison.Ordinal) ? int.MaxValue
            : trimmed.Length == 0 ? 0 : trimmed.Split('/').Length;
        return new GlobPattern(text, new Regex(pattern.ToString(), RegexOptions.CultureInvariant | RegexOptions.Singleline), depth);
    }

    public override string ToString() => Text;

    private static PipeException Invalid(string text, string why) =>
        new(ErrorCodes.InvalidGlob, $"invalid glob '{text}': {why}.");
}
