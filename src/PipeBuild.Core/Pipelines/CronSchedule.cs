using Cronos;

namespace PipeBuild.Core.Pipelines;

/// <summary>
/// The clock behind a cron input (Pachyderm's <c>input.cron</c>, docs/pipeproj.md#cron-inputs): its ticks commit to the
/// input's repo, a file per tick named by its time (or one file, overwritten). <see cref="Spec"/> is a cron expression
/// of five fields, or six with seconds first, or a macro (<c>@hourly</c>, <c>@daily</c>, ...), in UTC; or
/// <c>@every DURATION</c> (<c>@every 10s</c>, <c>@every 1h30m</c>), ticks that far apart.
/// </summary>
public sealed record CronSchedule(string Spec)
{
    private const string Every = "@every ";

    /// <summary>When ticking starts (Pachyderm's <c>start</c>); null: when the pipeline was created.</summary>
    public DateTimeOffset? Start { get; init; }

    /// <summary>One file, replaced by each tick (one datum), instead of a new file per tick.</summary>
    public bool Overwrite { get; init; }

    /// <summary>The tick file's name: the tick's time in RFC 3339, UTC, to the second (as Pachyderm names them).</summary>
    public static string FileName(DateTimeOffset tick) => tick.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The time a tick file's name gives, or null for a name that is not one.</summary>
    public static DateTimeOffset? TimeOf(string fileName) =>
        DateTimeOffset.TryParseExact(fileName, "yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var time) ? time : null;

    /// <summary>Why <paramref name="spec"/> is not a schedule, or null when it is one.</summary>
    public static string? Problem(string spec)
    {
        try
        {
            _ = Next(spec, DateTimeOffset.UnixEpoch);
            return null;
        }
        catch (Exception e) when (e is CronFormatException or FormatException or ArgumentException)
        {
            return e.Message.TrimEnd('.');
        }
    }

    /// <summary>The first tick after <paramref name="after"/>; null when the schedule has no more (a date in the past).</summary>
    public DateTimeOffset? Next(DateTimeOffset after) => Next(Spec, after);

    /// <summary>
    /// Every tick after <paramref name="after"/> up to and including <paramref name="until"/>, oldest first, at most the
    /// newest <paramref name="limit"/>. The work follows the ticks returned, not the time between: a schedule of seconds
    /// started in 1970 is not walked second by second.
    /// </summary>
    public IReadOnlyList<DateTimeOffset> Between(DateTimeOffset after, DateTimeOffset until, int limit)
    {
        if (Interval() is { } interval)
        {
            var count = until < after ? 0 : (until - after).Ticks / interval.Ticks;
            return [.. Enumerable.Range(0, (int)Math.Min(count, limit)).Select(i => after + (interval * (count - Math.Min(count, limit) + 1 + i)))];
        }

        // Look back from until over a window that doubles until it holds enough ticks or reaches after.
        for (var window = TimeSpan.FromDays(1); ; window *= 2)
        {
            var from = window < until - after ? until - window : after;
            var ticks = new List<DateTimeOffset>();
            for (var tick = Next(from); tick is { } t && t <= until; tick = Next(t))
            {
                ticks.Add(t);
            }

            if (ticks.Count >= limit || from == after)
            {
                return ticks[Math.Max(0, ticks.Count - limit)..];
            }
        }
    }

    /// <summary>The interval of an <c>@every</c> schedule; null for a cron expression.</summary>
    private TimeSpan? Interval() => Spec.Trim() is var text && text.StartsWith(Every, StringComparison.Ordinal) ? Parse(text) : null;

    private static TimeSpan Parse(string every) =>
        Durations.TryParse(every[Every.Length..], out var interval) && interval >= TimeSpan.FromSeconds(1)
            ? interval
            : throw new FormatException($"'{every[Every.Length..].Trim()}' is not a duration of at least 1s, as in @every 10s or @every 1h30m");

    private static DateTimeOffset? Next(string spec, DateTimeOffset after)
    {
        var text = spec.Trim();
        if (text.StartsWith(Every, StringComparison.Ordinal))
        {
            return after + Parse(text);
        }

        var fields = text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        var expression = CronExpression.Parse(text, fields == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard);
        return expression.GetNextOccurrence(after, TimeZoneInfo.Utc);
    }
}
