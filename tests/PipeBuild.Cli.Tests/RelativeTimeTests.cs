namespace PipeBuild.Cli.Tests;

/// <summary>The AGE columns of list commands (<c>job list</c>, <c>commit list</c>, <c>repo list</c>) read as English.</summary>
public sealed class RelativeTimeTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 2, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(0, "0 seconds ago")]
    [InlineData(1, "1 second ago")]
    [InlineData(59, "59 seconds ago")]
    [InlineData(60, "1 minute ago")]
    [InlineData(119, "1 minute ago")]
    [InlineData(120, "2 minutes ago")]
    [InlineData(3600, "1 hour ago")]
    [InlineData(2 * 3600, "2 hours ago")]
    [InlineData(86400, "1 day ago")]
    [InlineData(3 * 86400, "3 days ago")]
    [InlineData(-5, "0 seconds ago")]
    public void Ages_are_grammatical(int secondsAgo, string expected) =>
        Assert.Equal(expected, Cli.Ago(Now.AddSeconds(-secondsAgo), Now));

    [Fact]
    public void No_time_is_a_dash() => Assert.Equal("-", Cli.Ago(null, Now));
}
