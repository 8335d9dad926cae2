using System.Text;
using PipeBuild.Core;
using PipeBuild.Core.Pipelines;

namespace PipeBuild.Evaluation;

/// <summary>
/// The <c>InputExpression</c> property: a pipeline's inputs in one line, nested as deep as needed.
/// <code>
/// expression := combination | input
/// combination := ("cross" | "union" | "join" | "group") "(" expression ("," expression)* ")"
/// input      := [name "="] repo ["@" branch] [":" glob] option*
/// option     := "joinOn=" value | "groupBy=" value | "outer" | "emptyFiles"
/// </code>
/// For example <c>cross(split:/*, params=parameters@v2:/c_parameters.txt/*)</c> or
/// <c>join(a:/(*).csv joinOn=$1 outer, b:/(*).json joinOn=$1)</c>. The glob defaults to <c>/</c> and the branch
/// to master. A glob or value with spaces, or unbalanced brackets, is written in single or double quotes.
/// Combination names are case-insensitive; join and group combine repo inputs only, as in Pachyderm.
/// </summary>
public static class InputExpression
{
    private const string Todo =
        "Write inputs as repo:glob, combined with cross(...), union(...), join(...) or group(...), e.g. cross(split:/*, parameters:/c_parameters.txt/*).";

    /// <summary>
    /// Parses <paramref name="text"/>; <paramref name="where"/> (a <c>file(line,col)</c>) prefixes errors; an input
    /// that names no branch reads <paramref name="defaultBranch"/> (the workspace's).
    /// </summary>
    public static PipelineInput Parse(string text, string? where = null, string defaultBranch = CommitRef.DefaultBranch)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parser = new Parser(text, where, defaultBranch);
        var input = parser.Expression();
        parser.End();
        return input;
    }

    /// <summary>
    /// The expression <see cref="Parse"/> reads back as <paramref name="input"/> with the same
    /// <paramref name="defaultBranch"/>: a branch equal to it is left out.
    /// </summary>
    public static string Format(PipelineInput input, string defaultBranch = CommitRef.DefaultBranch)
    {
        string All(IEnumerable<PipelineInput> inputs) => string.Join(", ", inputs.Select(i => Format(i, defaultBranch)));
        return input switch
        {
            PfsInput pfs => FormatPfs(pfs, defaultBranch),
            CrossInput c => $"cross({All(c.Inputs)})",
            UnionInput u => $"union({All(u.Inputs)})",
            JoinInput j => $"join({All(j.Inputs)})",
            GroupInput g => $"group({All(g.Inputs)})",
            _ => throw new ArgumentException($"unknown input type {input.GetType().Name}", nameof(input)),
        };
    }

    private static string FormatPfs(PfsInput pfs, string defaultBranch)
    {
        var text = new StringBuilder();
        if (pfs.Name is not null)
        {
            text.Append(pfs.Name).Append('=');
        }

        if (pfs.Cron is not null)
        {
            throw new PipeException(ErrorCodes.InvalidInputExpression, $"the cron input '{pfs.InputName}' cannot be written in an InputExpression; give the pipeline's inputs as PipeInput items (a cron input with Cron=\"{pfs.Cron.Spec}\").");
        }

        if (pfs.Trigger is not null)
        {
            throw new PipeException(ErrorCodes.InvalidInputExpression, $"the input '{pfs.InputName}' has a trigger, which an InputExpression cannot hold; give the pipeline's inputs as PipeInput items (with Trigger=\"{pfs.Trigger.Branch}\").");
        }

        text.Append(pfs.Repo);
        if (pfs.Branch != defaultBranch)
        {
            text.Append('@').Append(pfs.Branch);
        }

        text.Append(':').Append(QuoteIfNeeded(pfs.Glob));
        if (pfs.JoinOn is not null)
        {
            text.Append(" joinOn=").Append(QuoteIfNeeded(pfs.JoinOn));
        }

        if (pfs.GroupBy is not null)
        {
            text.Append(" groupBy=").Append(QuoteIfNeeded(pfs.GroupBy));
        }

        if (pfs.OuterJoin)
        {
            text.Append(" outer");
        }

        if (pfs.EmptyFiles)
        {
            text.Append(" emptyFiles");
        }

        return text.ToString();
    }

    private static string QuoteIfNeeded(string value)
    {
        var plain = value.Length > 0 && value[0] is not ('\'' or '"') && !value.Any(char.IsWhiteSpace) && Balanced(value);
        if (plain)
        {
            return value;
        }

        if (!value.Contains('\''))
        {
            return $"'{value}'";
        }

        if (!value.Contains('"'))
        {
            return $"\"{value}\"";
        }

        throw new PipeException(ErrorCodes.InvalidInputExpression, $"'{value}' has both kinds of quotes and cannot be written in an InputExpression. Rename the files it matches.");
    }

    /// <summary>Whether the term scanner would read <paramref name="value"/> whole: no bracket closes one it did not open.</summary>
    private static bool Balanced(string value)
    {
        var depth = 0;
        foreach (var c in value)
        {
            if (c is '(' or '[' or '{')
            {
                depth++;
            }
            else if (c is ')' or ']' or '}')
            {
                if (--depth < 0)
                {
                    return false;
                }
            }
            else if (c == ',' && depth == 0)
            {
                return false;
            }
        }

        return depth == 0;
    }

    private sealed class Parser(string text, string? where, string defaultBranch)
    {
        private static readonly string[] Combinations = ["cross", "union", "join", "group"];
        private int pos;

        public PipelineInput Expression()
        {
            SkipSpace();
            var start = pos;
            var word = 0;
            while (start + word < text.Length && char.IsAsciiLetter(text[start + word]))
            {
                word++;
            }

            var kind = text.Substring(start, word).ToLowerInvariant();
            if (Combinations.Contains(kind))
            {
                pos = start + word;
                SkipSpace();
                if (Peek() == '(')
                {
                    pos++;
                    return Combination(kind, start);
                }

                pos = start; // a repo that happens to be called "cross"
            }

            return Term();
        }

        public void End()
        {
            SkipSpace();
            if (pos < text.Length)
            {
                throw Error($"unexpected '{text[pos]}'");
            }
        }

        private PipelineInput Combination(string kind, int start)
        {
            var inputs = new List<PipelineInput>();
            while (true)
            {
                SkipSpace();
                if (Peek() == ')' && inputs.Count == 0)
                {
                    throw Error($"{kind}() has no inputs");
                }

                inputs.Add(Expression());
                SkipSpace();
                var c = Peek();
                if (c == ',')
                {
                    pos++;
                    continue;
                }

                if (c == ')')
                {
                    pos++;
                    break;
                }

                throw Error(c == '\0' ? $"{kind}( opened at character {start + 1} is not closed" : $"expected ',' or ')' but found '{c}'");
            }

            if (kind is "join" or "group" && inputs.FirstOrDefault(i => i is not PfsInput) is { } nested)
            {
                throw Error($"{kind} combines repo inputs only, not a {PipelineValidation.Kind(nested)}");
            }

            return kind switch
            {
                "cross" => new CrossInput(inputs),
                "union" => new UnionInput(inputs),
                "join" => new JoinInput([.. inputs.Cast<PfsInput>()]),
                _ => new GroupInput([.. inputs.Cast<PfsInput>()]),
            };
        }

        /// <summary><c>[name=]repo[@branch][:glob] option*</c>, up to a ',' or ')' outside brackets and quotes.</summary>
        private PfsInput Term()
        {
            var start = pos;
            var head = new StringBuilder();
            while (pos < text.Length && (char.IsAsciiLetterOrDigit(text[pos]) || text[pos] is '_' or '-' or '=' or '@'))
            {
                head.Append(text[pos++]);
            }

            if (head.Length == 0)
            {
                throw Error(pos < text.Length ? $"expected an input (repo:glob) but found '{text[pos]}'" : "expected an input (repo:glob)");
            }

            var glob = "/";
            if (Peek() == ':')
            {
                pos++;
                var globStart = pos;
                glob = Value();
                if (glob.Length == 0)
                {
                    pos = globStart;
                    throw Error("expected a glob after ':'");
                }
            }

            var parts = head.ToString();
            string? name = null;
            var eq = parts.IndexOf('=');
            if (eq >= 0)
            {
                name = parts[..eq];
                parts = parts[(eq + 1)..];
            }

            var branch = defaultBranch;
            var at = parts.IndexOf('@');
            if (at >= 0)
            {
                branch = parts[(at + 1)..];
                parts = parts[..at];
            }

            if (parts.Length == 0 || name is "" || parts.Contains('=') || branch.Contains('@'))
            {
                pos = start;
                throw Error($"'{head}' is not [name=]repo[@branch]");
            }

            string? joinOn = null;
            string? groupBy = null;
            var outer = false;
            var empty = false;
            while (true)
            {
                var before = pos;
                SkipSpace();
                if (pos == before || Peek() is ',' or ')' or '\0')
                {
                    break;
                }

                var optionStart = pos;
                var key = new StringBuilder();
                while (pos < text.Length && char.IsAsciiLetter(text[pos]))
                {
                    key.Append(text[pos++]);
                }

                switch (key.ToString().ToLowerInvariant())
                {
                    case "joinon" when Peek() == '=':
                        pos++;
                        joinOn = Value();
                        break;
                    case "groupby" when Peek() == '=':
                        pos++;
                        groupBy = Value();
                        break;
                    case "outer" or "outerjoin":
                        outer = true;
                        break;
                    case "emptyfiles":
                        empty = true;
                        break;
                    default:
                        pos = optionStart;
                        throw Error("expected joinOn=..., groupBy=..., outer or emptyFiles after the glob");
                }
            }

            return new PfsInput(parts, glob, branch, name) { JoinOn = joinOn, GroupBy = groupBy, OuterJoin = outer, EmptyFiles = empty };
        }

        /// <summary>A quoted string, or text up to whitespace or a ',' / ')' that closes nothing opened inside it.</summary>
        private string Value()
        {
            var quote = Peek();
            if (quote is '\'' or '"')
            {
                var close = text.IndexOf(quote, pos + 1);
                if (close < 0)
                {
                    throw Error($"the quote {quote} is not closed");
                }

                var quoted = text[(pos + 1)..close];
                pos = close + 1;
                return quoted;
            }

            var start = pos;
            var depth = 0;
            for (; pos < text.Length; pos++)
            {
                var c = text[pos];
                if (char.IsWhiteSpace(c) || (depth == 0 && c is ',' or ')'))
                {
                    break;
                }

                depth += c switch
                {
                    '(' or '[' or '{' => 1,
                    ')' or ']' or '}' when depth > 0 => -1,
                    _ => 0,
                };
            }

            return text[start..pos];
        }

        private char Peek() => pos < text.Length ? text[pos] : '\0';

        private void SkipSpace()
        {
            while (pos < text.Length && char.IsWhiteSpace(text[pos]))
            {
                pos++;
            }
        }

        private PipeException Error(string why) =>
            new(ErrorCodes.InvalidInputExpression, $"{(where is null ? "" : where + ": ")}invalid InputExpression '{text}': {why} (at character {pos + 1}). {Todo}");
    }
}
