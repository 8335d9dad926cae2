using PipeBuild.Core.Pipelines;

namespace PipeBuild.Core.Tests;

public sealed class CronScheduleTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("@every 90m", new[] { "2026-01-01T01:30:00Z", "2026-01-01T03:00:00Z", "2026-01-01T04:30:00Z" })]
    [InlineData("0 */2 * * *", new[] { "2026-01-01T02:00:00Z", "2026-01-01T04:00:00Z" })]
    [InlineData("30 0 * * * *", new[] { "2026-01-01T00:00:30Z", "2026-01-01T01:00:30Z", "2026-01-01T02:00:30Z", "2026-01-01T03:00:30Z", "2026-01-01T04:00:30Z" })]
    [InlineData("@daily", new string[0])]
    public void Ticks_after_a_time_up_to_another_oldest_first(string spec, string[] expected)
    {
        var ticks = new CronSchedule(spec).Between(T0, T0.AddHours(5), 100);

        Assert.Equal(expected, ticks.Select(CronSchedule.FileName));
    }

    [Theory]
    [InlineData("@every 1s")]
    [InlineData("* * * * * *")]
    [InlineData("* * * * *")]
    public void Only_the_newest_ticks_are_returned_and_a_schedule_started_long_ago_is_not_walked_tick_by_tick(string spec)
    {
        var until = T0.AddSeconds(0.5);

        var ticks = new CronSchedule(spec).Between(new DateTimeOffset(1970, 1, 1, 0, 0, 0, TimeSpan.Zero), until, 1000); // 1.7 billion seconds

        Assert.Equal(1000, ticks.Count);
        Assert.Equal(T0, ticks[^1]);
        Assert.True(ticks.SequenceEqual(ticks.Order()));
    }

    [Theory]
    [InlineData("every hour")]
    [InlineData("@every 0.5s")]
    [InlineData("@every soon")]
    [InlineData("61 * * * *")]
    [InlineData("* * *")]
    public void A_spec_that_is_not_a_schedule_says_why(string spec) => Assert.NotNull(CronSchedule.Problem(spec));

    [Fact]
    public void Tick_file_names_are_rfc3339_utc_and_read_back() =>
        Assert.Equal(T0.AddSeconds(59), CronSchedule.TimeOf(CronSchedule.FileName(T0.AddSeconds(59).ToOffset(TimeSpan.FromHours(2)))));
}
