using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;
using Spectre.Console;

namespace PipeBuild.Cli;

/// <summary>Writes results as aligned tables (for people) or JSON (for scripts); progress and notes go to stderr.</summary>
internal sealed partial class Renderer(OutputFormat format, PipeConsole console)
{
    public OutputFormat Format => format;

    public bool IsJson => format == OutputFormat.Json;

    /// <summary>Prints <paramref name="value"/> as JSON, or the table made by <paramref name="table"/>.</summary>
    public void Write<T>(T value, Func<T, (string[] Headers, IEnumerable<string[]> Rows)> table)
    {
        if (IsJson)
        {
            Json(value);
            return;
        }

        var (headers, rows) = table(value);
        Table(headers, rows);
    }

    public void Json<T>(T value) =>
        console.Out.WriteLine(JsonSerializer.Serialize(value, (JsonTypeInfo<T>?)CliJson.Default.GetTypeInfo(typeof(T))
            ?? throw new InvalidOperationException($"{typeof(T)} is not registered in {nameof(CliJson)}.")));

    public void Table(string[] headers, IEnumerable<string[]> rows)
    {
        // On a terminal long values wrap to its width; piped output is read by scripts: never wrap a row there.
        var width = console.IsOutputRedirected ? 1000 : console.Width ?? 80;
        string[][] all = [headers, .. rows];
        console.Out.Write(PlainTable(all, width) ?? SpectreTable(all, width));
    }

    /// <summary>
    /// The table as <see cref="SpectreTable"/> lays it out, when that is only padding: every cell one line of printable
    /// ASCII (one column per character) and the table narrower than <paramref name="width"/>, so nothing wraps. Null
    /// otherwise. Loading and running Spectre.Console cost a short command as much as its own work.
    /// </summary>
    internal static string? PlainTable(string[][] rows, int width)
    {
        var widths = new int[rows[0].Length];
        foreach (var row in rows)
        {
            if (row.Length != widths.Length)
            {
                return null;
            }

            for (var i = 0; i < row.Length; i++)
            {
                if (row[i].AsSpan().ContainsAnyExceptInRange(' ', '~'))
                {
                    return null;
                }

                widths[i] = Math.Max(widths[i], row[i].Length);
            }
        }

        if (widths.Sum() + (ColumnGap * widths.Length) >= width)
        {
            return null;
        }

        var text = new StringBuilder();
        foreach (var row in rows)
        {
            var line = text.Length;
            for (var i = 0; i < row.Length; i++)
            {
                text.Append(row[i]).Append(' ', widths[i] - row[i].Length + ColumnGap);
            }

            var end = text.Length;
            while (end > line && text[end - 1] == ' ')
            {
                end--;
            }

            text.Length = end;
            text.Append(Environment.NewLine);
        }

        return text.ToString();
    }

    private const int ColumnGap = 3;

    [MethodImpl(MethodImplOptions.NoInlining)] // Spectre.Console loads only for a table that needs it
    internal static string SpectreTable(string[][] rows, int width)
    {
        var grid = new Table().NoBorder().HideRowSeparators();
        grid.Border = TableBorder.None;
        foreach (var header in rows[0])
        {
            grid.AddColumn(new TableColumn(header).PadLeft(0).PadRight(ColumnGap));
        }

        foreach (var row in rows.Skip(1))
        {
            grid.AddRow(row.Select(Markup.Escape).ToArray());
        }

        var text = new StringWriter();
        var ansi = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(text),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
        });
        ansi.Profile.Width = width;
        ansi.Write(grid);
        return TrailingSpaces().Replace(text.ToString(), string.Empty);
    }

    /// <summary>Prints <paramref name="value"/> as JSON, or <paramref name="text"/> for people.</summary>
    public void Result<T>(T value, string text)
    {
        if (IsJson)
        {
            Json(value);
        }
        else
        {
            console.Out.WriteLine(text);
        }
    }

    /// <summary>A line for people; suppressed in JSON mode so stdout stays parseable.</summary>
    public void Line(string text)
    {
        if (!IsJson)
        {
            console.Out.WriteLine(text);
        }
    }

    /// <summary>A line for people on stderr, in either format.</summary>
    public void Note(string text) => console.Error.WriteLine(text);

    // Spectre pads every cell to its column's width: the padding after the last column is dropped, so a row ends with
    // its own value rather than with as many spaces as the longest one needs.
    [GeneratedRegex(" +(?=\r?$)", RegexOptions.Multiline)]
    private static partial Regex TrailingSpaces();
}
