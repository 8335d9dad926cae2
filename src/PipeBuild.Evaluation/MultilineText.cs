namespace PipeBuild.Evaluation;

/// <summary>
/// Multi-line property values (<c>Command</c>, <c>Stdin</c>). MSBuild keeps a property's text exactly, so an
/// indented block such as <c>&lt;Stdin&gt;⏎  line1⏎  line2⏎&lt;/Stdin&gt;</c> would carry the XML layout into the
/// script; a value whose first and last lines are blank is read as such a block: those two lines are dropped and
/// the indentation the remaining lines share is removed. Any other value is taken line by line as written.
/// </summary>
internal static class MultilineText
{
    public static List<string> Lines(string value)
    {
        var lines = value.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').ToList();
        if (lines.Count < 2 || !string.IsNullOrWhiteSpace(lines[0]) || !string.IsNullOrWhiteSpace(lines[^1]))
        {
            return lines;
        }

        lines = lines[1..^1];
        string? common = null;
        foreach (var line in lines.Where(l => !string.IsNullOrWhiteSpace(l)))
        {
            var indent = line[..(line.Length - line.TrimStart(' ', '\t').Length)];
            common = common is null ? indent : CommonPrefix(common, indent);
        }

        var cut = common?.Length ?? 0;
        return [.. lines.Select(l => string.IsNullOrWhiteSpace(l) && l.Length <= cut ? "" : l[Math.Min(cut, l.Length)..])];
    }

    /// <summary>
    /// Text that <see cref="Lines"/> reads back as <paramref name="lines"/>: an indented block when there are
    /// several lines and that round-trips, the lines joined as they are otherwise.
    /// </summary>
    public static string Format(IReadOnlyList<string> lines, string indent, string closingIndent)
    {
        var raw = string.Join('\n', lines);
        if (lines.Count < 2)
        {
            return raw;
        }

        var block = "\n" + string.Join('\n', lines.Select(l => l.Length == 0 ? "" : indent + l)) + "\n" + closingIndent;
        return Lines(block).SequenceEqual(lines) ? block : raw;
    }

    private static string CommonPrefix(string a, string b)
    {
        var n = 0;
        while (n < a.Length && n < b.Length && a[n] == b[n])
        {
            n++;
        }

        return a[..n];
    }
}
