namespace PipeBuild.Evaluation;

/// <summary>
/// Escaping for text written into a <c>.pipeproj</c>, so that MSBuild evaluates it back to the same string:
/// <c>$(</c>, <c>@(</c> and <c>%(</c> would be expanded (<c>$(basename "$f")</c> silently becomes empty) and
/// <c>%XX</c> is read as an escaped character. Only those sequences are escaped, so <c>$1</c> or <c>$HOME</c>
/// stay readable. Item <c>Include</c>s also split at <c>;</c> and expand <c>*</c> and <c>?</c>.
/// </summary>
internal static class MSBuildText
{
    public static string Escape(string value, bool include = false)
    {
        var result = new System.Text.StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            var next = i + 1 < value.Length ? value[i + 1] : '\0';
            switch (c)
            {
                case '%' when next == '(' || (char.IsAsciiHexDigit(next) && i + 2 < value.Length && char.IsAsciiHexDigit(value[i + 2])):
                    result.Append("%25");
                    break;
                case '$' when next == '(':
                    result.Append("%24");
                    break;
                case '@' when next == '(':
                    result.Append("%40");
                    break;
                case ';' when include:
                    result.Append("%3B");
                    break;
                case '*' when include:
                    result.Append("%2A");
                    break;
                case '?' when include:
                    result.Append("%3F");
                    break;
                default:
                    result.Append(c);
                    break;
            }
        }

        return result.ToString();
    }
}
