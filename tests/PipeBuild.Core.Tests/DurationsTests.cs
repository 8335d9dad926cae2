namespace PipeBuild.Core.Tests;

public sealed class DurationsTests
{
    [Theory]
    [InlineData(5400, "1h30m")]
    [InlineData(600, "10m")]
    [InlineData(1.5, "1.5s")]
    [InlineData(0, "0s")]
    [InlineData(90061.25, "25h1m1.25s")]
    public void A_duration_is_written_as_specs_write_it_and_reads_back(double seconds, string text)
    {
        var duration = TimeSpan.FromSeconds(seconds);

        Assert.Equal(text, Durations.Format(duration));
        Assert.True(Durations.TryParse(text, out var read));
        Assert.Equal(duration, read);
    }
}
