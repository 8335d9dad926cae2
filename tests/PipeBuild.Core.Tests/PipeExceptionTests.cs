namespace PipeBuild.Core.Tests;

public sealed class PipeExceptionTests
{
    [Fact]
    public void An_error_at_a_place_prints_in_MSBuilds_canonical_form_and_keeps_the_place_in_its_message()
    {
        var e = PipeException.At("/w/x.pipeproj(3,5)", "PIPE2002", "Parallelism 'lots' is not a whole number.");

        Assert.Equal("/w/x.pipeproj(3,5): error PIPE2002: Parallelism 'lots' is not a whole number.", e.ToString());
        Assert.Equal("/w/x.pipeproj(3,5): Parallelism 'lots' is not a whole number.", e.Message);
        Assert.Equal("/w/x.pipeproj(3,5)", e.Origin);
    }

    [Fact]
    public void An_error_without_a_place_prints_code_and_message()
    {
        Assert.Equal("error PIPE5001: repo 'x' not found.", new PipeException("PIPE5001", "repo 'x' not found.").ToString());
    }
}
