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
        var grid = new Table().NoBorder().HideRowSeparators();
        grid.Border = TableBorder.None;
        foreach (var header in headers)
        {
            grid.AddColumn(new TableColumn(header).PadLeft(0).PadRight(3));
        }

        foreach (var row in rows)
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

        // On a terminal long values wrap to its width; piped output is read by scripts: never wrap a row there.
        ansi.Profile.Width = console.IsOutputRedirected ? 1000 : console.Width ?? 80;
        ansi.Write(grid);
        console.Out.Write(TrailingSpaces().Replace(text.ToString(), string.Empty));
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
