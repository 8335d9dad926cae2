using System.Text;
using DiffPlex;

namespace PipeBuild.Store;

/// <summary>One line of a hunk: unchanged (' '), removed ('-') or added ('+').</summary>
public sealed record DiffLine(char Kind, string Text);

/// <summary>A run of changed lines with their context: lines <see cref="OldStart"/>.. of the old text, <see cref="NewStart"/>.. of the new (1-based).</summary>
public sealed record DiffHunk(int OldStart, int OldCount, int NewStart, int NewCount, IReadOnlyList<DiffLine> Lines)
{
    /// <summary>The hunk's header as unified diffs write it.</summary>
    public string Header => $"@@ -{Range(OldStart, OldCount)} +{Range(NewStart, NewCount)} @@";

    private static string Range(int start, int count) => count == 1 ? $"{start}" : $"{(count == 0 ? start - 1 : start)},{count}";
}

/// <summary>
/// The changed lines between two versions of a text file, as unified-diff hunks: what <c>file diff</c> prints (as
/// pachctl's <c>diff file</c> does) and what the console shows. Lines are compared by DiffPlex (Myers' algorithm).
/// </summary>
public static class LineDiff
{
    /// <summary>Files larger than this are not compared line by line (the diff says so instead).</summary>
    public const long MaxBytes = 16L << 20;

    /// <summary>The hunks turning <paramref name="oldText"/> into <paramref name="newText"/>, each with <paramref name="context"/> unchanged lines around its changes.</summary>
    public static IReadOnlyList<DiffHunk> Compute(string oldText, string newText, int context = 3)
    {
        var result = Differ.Instance.CreateDiffs(oldText, newText, ignoreWhiteSpace: false, ignoreCase: false, LineChunker.Instance);
        var oldLines = result.PiecesOld;
        var newLines = result.PiecesNew;

        // Every line in order, each with its line numbers: unchanged runs between DiffPlex's blocks, then each block's deletions and insertions.
        var edits = new List<(char Kind, string Text, int Old, int New)>();
        int a = 0, b = 0;
        foreach (var block in result.DiffBlocks)
        {
            for (; a < block.DeleteStartA; a++, b++)
            {
                edits.Add((' ', oldLines[a], a, b));
            }

            for (var i = 0; i < block.DeleteCountA; i++, a++)
            {
                edits.Add(('-', oldLines[a], a, b));
            }

            for (var i = 0; i < block.InsertCountB; i++, b++)
            {
                edits.Add(('+', newLines[b], a, b));
            }
        }

        for (; a < oldLines.Count; a++, b++)
        {
            edits.Add((' ', oldLines[a], a, b));
        }

        var hunks = new List<DiffHunk>();
        var changed = edits.Select((e, i) => (e.Kind, i)).Where(x => x.Kind != ' ').Select(x => x.i).ToList();
        for (var c = 0; c < changed.Count;)
        {
            // A hunk runs from context lines before a change to context lines after the last change closer than 2 * context to the one before.
            var first = Math.Max(0, changed[c] - context);
            var last = changed[c];
            while (++c < changed.Count && changed[c] - last <= 2 * context)
            {
                last = changed[c];
            }

            last = Math.Min(edits.Count - 1, last + context);
            var lines = edits.Skip(first).Take(last - first + 1).ToList();
            var oldCount = lines.Count(l => l.Kind != '+');
            var newCount = lines.Count(l => l.Kind != '-');
            hunks.Add(new DiffHunk(lines[0].Old + 1, oldCount, lines[0].New + 1, newCount, [.. lines.Select(l => new DiffLine(l.Kind, l.Text))]));
        }

        return hunks;
    }

    /// <summary>Whether the bytes read as text: valid UTF-8 with no NUL in them.</summary>
    public static bool IsText(ReadOnlySpan<byte> bytes) => !bytes.Contains((byte)0) && System.Text.Unicode.Utf8.IsValid(bytes);

    /// <summary>The hunks as unified-diff text under <c>--- OLD</c> and <c>+++ NEW</c> lines.</summary>
    public static string Unified(string oldName, string newName, IReadOnlyList<DiffHunk> hunks)
    {
        var text = new StringBuilder().Append("--- ").Append(oldName).Append('\n').Append("+++ ").Append(newName).Append('\n');
        foreach (var hunk in hunks)
        {
            text.Append(hunk.Header).Append('\n');
            foreach (var line in hunk.Lines)
            {
                text.Append(line.Kind).Append(line.Text).Append('\n');
            }
        }

        return text.ToString();
    }

    /// <summary>Lines cut at \n (a \r before it dropped), without the empty one after a final newline.</summary>
    private sealed class LineChunker : IChunker
    {
        public static readonly LineChunker Instance = new();

        public IReadOnlyList<string> Chunk(string text)
        {
            var lines = text.Split('\n');
            var count = lines.Length > 0 && lines[^1].Length == 0 ? lines.Length - 1 : lines.Length;
            return [.. lines.Take(count).Select(l => l.TrimEnd('\r'))];
        }
    }
}
