using System.Globalization;

namespace PipeBuild.Evaluation;

/// <summary>
/// CPU and memory limits as pipeline files write them, in Kubernetes' quantity syntax (which Pachyderm's
/// <c>resource_limits</c> uses): CPUs as a number (<c>1.5</c>) or millicores (<c>500m</c>); memory as bytes or
/// with a suffix, <c>Ki Mi Gi Ti</c> (powers of 1024) or <c>k M G T</c> (powers of 1000).
/// </summary>
internal static class ResourceQuantities
{
    public const string CpusHint = "Use a positive number of CPUs (1, 0.5) or millicores (500m).";

    public const string MemoryHint = "Use bytes or a number with a suffix: Ki, Mi, Gi, Ti (powers of 1024) or k, M, G, T (powers of 1000), e.g. 512Mi or 2G.";

    private static readonly (string Suffix, decimal Factor)[] MemoryUnits =
    [
        ("Ki", 1L << 10), ("Mi", 1L << 20), ("Gi", 1L << 30), ("Ti", 1L << 40),
        ("k", 1e3m), ("K", 1e3m), ("M", 1e6m), ("G", 1e9m), ("T", 1e12m), ("", 1),
    ];

    public static bool TryParseCpus(string text, out double cpus)
    {
        text = text.Trim();
        var milli = text.EndsWith('m');
        cpus = 0;
        if (!decimal.TryParse(milli ? text[..^1] : text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) || value <= 0)
        {
            return false;
        }

        cpus = (double)(milli ? value / 1000 : value);
        return true;
    }

    public static bool TryParseMemory(string text, out long bytes)
    {
        text = text.Trim();
        bytes = 0;
        foreach (var (suffix, factor) in MemoryUnits)
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

    public static string FormatCpus(double cpus) => cpus.ToString(CultureInfo.InvariantCulture);

    /// <summary>The largest binary suffix that divides exactly, so a written value reads back to the same bytes.</summary>
    public static string FormatMemory(long bytes)
    {
        foreach (var (suffix, factor) in MemoryUnits.Where(u => u.Suffix.EndsWith('i')).Reverse())
        {
            if (bytes % (long)factor == 0)
            {
                return (bytes / (long)factor).ToString(CultureInfo.InvariantCulture) + suffix;
            }
        }

        return bytes.ToString(CultureInfo.InvariantCulture);
    }
}
