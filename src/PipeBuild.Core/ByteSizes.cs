using System.Globalization;

namespace PipeBuild.Core;

/// <summary>
/// Sizes as people write them: bytes, or a number with a suffix, <c>Ki Mi Gi Ti Pi</c> (powers of 1024) or
/// <c>k M G T P</c> (powers of 1000), each optionally followed by <c>B</c> (<c>1M</c>, <c>100MB</c>, <c>1Gi</c>, <c>512MiB</c>).
/// Kubernetes quantities (memory limits) and Pachyderm's trigger sizes are both read with it.
/// </summary>
public static class ByteSizes
{
    public const string Hint = "Use bytes or a number with a suffix: Ki, Mi, Gi, Ti (powers of 1024) or k, M, G, T (powers of 1000), e.g. 512Mi or 2G.";

    private static readonly (string Suffix, decimal Factor)[] Units =
    [
        ("Ki", 1L << 10), ("Mi", 1L << 20), ("Gi", 1L << 30), ("Ti", 1L << 40), ("Pi", 1L << 50),
        ("k", 1e3m), ("K", 1e3m), ("M", 1e6m), ("G", 1e9m), ("T", 1e12m), ("P", 1e15m), ("", 1),
    ];

    /// <summary>A positive size in bytes, or false when <paramref name="text"/> is not one.</summary>
    public static bool TryParse(string text, out long bytes)
    {
        text = text.Trim();
        bytes = 0;
        if (text.EndsWith('B'))
        {
            text = text[..^1];
        }

        foreach (var (suffix, factor) in Units)
        {
            if (text.EndsWith(suffix, StringComparison.Ordinal)
                && decimal.TryParse(text[..^suffix.Length], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
            {
                var total = value * factor;
                if (total < 1 || total > long.MaxValue)
                {
                    return false;
                }

                bytes = (long)Math.Round(total);
                return true;
            }
        }

        return false;
    }

    /// <summary>The largest binary suffix that divides exactly, so a written value reads back to the same bytes.</summary>
    public static string Format(long bytes)
    {
        foreach (var (suffix, factor) in Units.Where(u => u.Suffix.EndsWith('i')).Reverse())
        {
            if (bytes % (long)factor == 0)
            {
                return (bytes / (long)factor).ToString(CultureInfo.InvariantCulture) + suffix;
            }
        }

        return bytes.ToString(CultureInfo.InvariantCulture);
    }
}
