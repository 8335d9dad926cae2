using PipeBuild.Core;

namespace PipeBuild.Core.Tests;

public sealed class BranchTriggerTests
{
    [Theory]
    [InlineData("1M", 1_000_000)]
    [InlineData("100MB", 100_000_000)]
    [InlineData("1Gi", 1L << 30)]
    [InlineData("512MiB", 512L << 20)]
    [InlineData("1.5k", 1500)]
    [InlineData("42", 42)]
    public void Sizes_take_decimal_and_binary_suffixes_with_or_without_B(string text, long bytes)
    {
        Assert.True(ByteSizes.TryParse(text, out var parsed));
        Assert.Equal(bytes, parsed);
    }

    [Theory]
    [InlineData("lots")]
    [InlineData("0")]
    [InlineData("-1M")]
    [InlineData("1 megabyte")]
    public void A_size_that_is_not_one_is_refused(string text) => Assert.False(ByteSizes.TryParse(text, out _));

    [Theory]
    [InlineData("master", "1M", null, null, null)]
    [InlineData("staging", null, 3, null, "branch")]
    [InlineData("master", "lots", null, null, "size")]
    [InlineData("master", null, -1, null, "commits")]
    [InlineData("master", null, null, "every hour", "cron")]
    [InlineData("master", null, null, null, "branch")] // no condition: it would never fire
    [InlineData("bad name", null, 1, null, "branch")]
    public void Problem_names_the_field_that_is_wrong(string branch, string? size, int? commits, string? cron, string? field) =>
        Assert.Equal(field, new BranchTrigger(branch) { Size = size, Commits = commits, Cron = cron }.Problem("staging")?.Field);

    [Fact]
    public void It_reads_as_pachyderms_list_branch_shows_it() =>
        Assert.Equal("master on Size(1M) or Commits(3)", new BranchTrigger("master") { Size = "1M", Commits = 3 }.ToString());
}
