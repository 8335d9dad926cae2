using System.Globalization;
using System.Text;

namespace PipeBuild.Core;

/// <summary>
/// Durations as pipeline files write them: Go/protobuf strings such as <c>60s</c>, <c>1.5s</c>, <c>1m30s</c> or
/// <c>2h</c> (Pachyderm's <c>datum_timeout</c>), and in a <c>.pipeproj</c> also a plain number of seconds.
/// </summary>
public static class Durations
{
    private static readonly (string Unit, long Ticks)[] Units =
    [
        ("ns", 0), ("us", 10), ("µs", 10), ("μs", 10), ("ms", TimeSpan.TicksPerMillisecond),
        ("s", TimeSpan.TicksPerSecond), ("m", TimeSpan.TicksPerMinute), ("h", TimeSpan.TicksPerHour),
    ];

    public static bool TryParse(string text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        text = text.Trim();
        if (decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds))
        {
            return TryFromSeconds(seconds, out duration);
        }

        if (text.Length == 0)
        {
            return false;
        }

        decimal ticks = 0;
        var i = 0;
        while (i < text.Length)
        {
            var start = i;
            while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '.'))
            {
                i++;
            }

            if (!decimal.TryParse(text.AsSpan(start, i - start), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                return false;
            }

            // Longest unit first, so "ms" is not read as "m" followed by garbage.
            var unit = Units.Where(u => text.AsSpan(i).StartsWith(u.Unit, StringComparison.Ordinal))
                .OrderByDescending(u => u.Unit.Length).FirstOrDefault();
            if (unit.Unit is null)
            {
                return false;
            }

            i += unit.Unit.Length;
            ticks += unit.Ticks == 0 ? number / 100 : number * unit.Ticks; // 1 tick = 100 ns
        }

        return TryFromTicks(ticks, out duration);
    }

    /// <summary>A duration as pipeline specs write it, which <see cref="TryParse"/> reads back: 1h30m, 10m, 1.5s.</summary>
    public static string Format(TimeSpan duration)
    {
        var text = new StringBuilder();
        if ((long)duration.TotalHours is var hours and > 0)
        {
            text.Append(hours).Append('h');
        }

        if (duration.Minutes > 0)
        {
            text.Append(duration.Minutes).Append('m');
        }

        var seconds = duration.Seconds + (duration.Ticks % TimeSpan.TicksPerSecond / (decimal)TimeSpan.TicksPerSecond);
        if (seconds > 0 || text.Length == 0)
        {
            text.Append(seconds.ToString("0.#########", CultureInfo.InvariantCulture)).Append('s');
        }

        return text.ToString();
    }

    /// <summary>Seconds, exactly (decimal, not double, so a written value reads back to the same ticks).</summary>
    public static string FormatSeconds(TimeSpan duration) =>
        ((decimal)duration.Ticks / TimeSpan.TicksPerSecond).ToString(CultureInfo.InvariantCulture);

    private static bool TryFromSeconds(decimal seconds, out TimeSpan duration) =>
        TryFromTicks(seconds * TimeSpan.TicksPerSecond, out duration);

    private static bool TryFromTicks(decimal ticks, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (ticks < 0 || ticks > TimeSpan.MaxValue.Ticks)
        {
            return false;
        }

        duration = TimeSpan.FromTicks((long)Math.Round(ticks));
        return true;
    }
}
