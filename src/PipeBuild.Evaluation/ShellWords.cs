using System.Text;

namespace PipeBuild.Evaluation;

/// <summary>
/// POSIX shell quoting without expansion: how a Pachyderm <c>transform.cmd</c> argv is written as one
/// <c>Command</c> string (<c>CommandShell</c> <c>none</c>) and split back into the same argv.
/// </summary>
internal static class ShellWords
{
    /// <summary>The word as is when the shell would read it unchanged, otherwise in single quotes.</summary>
    public static string Quote(string word)
    {
        if (word.Length > 0 && word.All(IsPlain))
        {
            return word;
        }

        // Inside single quotes nothing is special; a quote itself ends the quoting, is escaped, and reopens it.
        return "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
    }

    public static string Join(IEnumerable<string> words) => string.Join(' ', words.Select(Quote));

    /// <summary>
    /// Splits like <c>sh</c> does before running a simple command, minus expansion: whitespace separates words,
    /// <c>'...'</c> is literal, <c>"..."</c> keeps <c>\"</c> <c>\\</c> <c>\$</c> <c>\`</c> escapes, a backslash
    /// outside quotes escapes the next character. Returns false with a reason on an unclosed quote.
    /// </summary>
    public static bool TrySplit(string text, out List<string> words, out string error)
    {
        words = [];
        error = "";
        var word = new StringBuilder();
        var inWord = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                case ' ' or '\t' or '\n' or '\r':
                    if (inWord)
                    {
                        words.Add(word.ToString());
                        word.Clear();
                        inWord = false;
                    }

                    break;
                case '\'':
                    var close = text.IndexOf('\'', i + 1);
                    if (close < 0)
                    {
                        error = $"the single quote at character {i + 1} is not closed";
                        return false;
                    }

                    word.Append(text, i + 1, close - i - 1);
                    inWord = true;
                    i = close;
                    break;
                case '"':
                    var j = i + 1;
                    for (; j < text.Length && text[j] != '"'; j++)
                    {
                        if (text[j] == '\\' && j + 1 < text.Length && text[j + 1] is '"' or '\\' or '$' or '`' or '\n')
                        {
                            j++;
                            if (text[j] != '\n')
                            {
                                word.Append(text[j]);
                            }

                            continue;
                        }

                        word.Append(text[j]);
                    }

                    if (j >= text.Length)
                    {
                        error = $"the double quote at character {i + 1} is not closed";
                        return false;
                    }

                    inWord = true;
                    i = j;
                    break;
                case '\\' when i + 1 < text.Length:
                    i++;
                    if (text[i] != '\n')
                    {
                        // A backslash before a newline continues the line; before anything else it escapes it.
                        word.Append(text[i]);
                        inWord = true;
                    }

                    break;
                default:
                    word.Append(c);
                    inWord = true;
                    break;
            }
        }

        if (inWord)
        {
            words.Add(word.ToString());
        }

        return true;
    }

    private static bool IsPlain(char c) =>
        char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' or '/' or ':' or '=' or '+' or ',' or '@' or '%';
}
