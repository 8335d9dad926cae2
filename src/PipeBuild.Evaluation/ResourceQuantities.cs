using System.Globalization;
using PipeBuild.Core;

namespace PipeBuild.Evaluation;

/// <summary>
/// CPU and memory limits as pipeline files write them, in Kubernetes' quantity syntax (which Pachyderm's
/// <c>resource_limits</c> uses): CPUs as a number (<c>1.5</c>) or millicores (<c>500m</c>); memory as bytes or
/// with a suffix (<see cref="ByteSizes"/>).
/// </summary>
internal static class ResourceQuantities
{
    public const string CpusHint = "Use a positive number of CPUs (1, 0.5) or millicores (500m).";

    public const string MemoryHint = ByteSizes.Hint;

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

    public static bool TryParseMemory(string text, out long bytes) => ByteSizes.TryParse(text, out bytes);

    public static string FormatCpus(double cpus) => cpus.ToString(CultureInfo.InvariantCulture);

    public static string FormatMemory(long bytes) => ByteSizes.Format(bytes);
}
