using PipeBuild.Core;
using PipeBuild.Core.Pipelines;

namespace PipeBuild.Evaluation.Tests;

public sealed class InputExpressionTests
{
    [Fact]
    public void A_single_input_with_every_part()
    {
        var input = InputExpression.Parse("params=parameters@v2:/c_parameters.txt/*");

        Assert.Equal(new PfsInput("parameters", "/c_parameters.txt/*", "v2", "params"), input);
    }

    [Fact]
    public void A_repo_alone_reads_the_root_glob_of_master()
    {
        Assert.Equal(new PfsInput("training", "/"), InputExpression.Parse("  training  "));
    }

    [Fact]
    public void Combination_names_are_case_insensitive_and_nest()
    {
        var input = InputExpression.Parse("CROSS( Union(a:/*, b:/*) , c:/ )");

        var cross = Assert.IsType<CrossInput>(input);
        Assert.Equal([new PfsInput("a", "/*"), new PfsInput("b", "/*")], Assert.IsType<UnionInput>(cross.Inputs[0]).Inputs);
        Assert.Equal(new PfsInput("c", "/"), cross.Inputs[1]);
    }

    [Fact]
    public void Globs_keep_their_brackets_braces_and_capture_groups()
    {
        var input = InputExpression.Parse("join(a:/(*)/{x,y}[0-9].csv joinOn=$1, b:/(*).txt joinOn=$1 outerJoin)");

        var join = Assert.IsType<JoinInput>(input);
        Assert.Equal(new PfsInput("a", "/(*)/{x,y}[0-9].csv") { JoinOn = "$1" }, join.Inputs[0]);
        Assert.Equal(new PfsInput("b", "/(*).txt") { JoinOn = "$1", OuterJoin = true }, join.Inputs[1]);
    }

    [Fact]
    public void EmptyFiles_is_an_option_of_an_input()
    {
        var input = InputExpression.Parse("cross(a:/* emptyfiles, b:/*)");

        Assert.Equal([new PfsInput("a", "/*") { EmptyFiles = true }, new PfsInput("b", "/*")], Assert.IsType<CrossInput>(input).Inputs);
    }

    [Fact]
    public void Quoted_globs_may_hold_spaces_and_commas()
    {
        var input = InputExpression.Parse("group(logs:'/my logs/(*),*.txt' groupBy=\"$1\")");

        Assert.Equal([new PfsInput("logs", "/my logs/(*),*.txt") { GroupBy = "$1" }], Assert.IsType<GroupInput>(input).Inputs);
    }

    [Fact]
    public void A_repo_named_like_a_combination_is_still_a_repo()
    {
        Assert.Equal(new PfsInput("cross", "/*"), InputExpression.Parse("cross:/*"));
    }

    [Theory]
    [InlineData("cross(split:/*, parameters:/c_parameters.txt/*)")]
    [InlineData("union(cross(train=split@v2:/train/*, model:/), join(a:/(*).csv joinOn=$1 outer, b:/(*).json joinOn=$1))")]
    [InlineData("group(logs:'/my logs/(*)-*.txt' groupBy=$1)")]
    [InlineData("cross(names=a:/* emptyFiles, b:/)")]
    [InlineData("cross(a:/x), b:/y))")]
    public void Format_writes_what_parse_reads(string text)
    {
        PipelineInput input;
        try
        {
            input = InputExpression.Parse(text);
        }
        catch (PipeException)
        {
            // The last case is not an expression; build what its glob would be instead.
            input = new CrossInput([new PfsInput("a", "/x)"), new PfsInput("b", "/y)")]);
        }

        var again = InputExpression.Parse(InputExpression.Format(input));

        Assert.Equal(InputExpression.Format(input), InputExpression.Format(again));
        Assert.Equal(TestFiles.Canonical(Spec(input)), TestFiles.Canonical(Spec(again)));
    }

    [Theory]
    [InlineData("", "expected an input (repo:glob) (at character 1)")]
    [InlineData("cross(a:/*, b:/*", "cross( opened at character 1 is not closed")]
    [InlineData("cross()", "cross() has no inputs")]
    [InlineData("cross(a:/* b:/*)", "expected joinOn=..., groupBy=..., outer or emptyFiles after the glob")]
    [InlineData("a:/*)", "unexpected ')'")]
    [InlineData("a:", "expected a glob after ':'")]
    [InlineData("join(cross(a:/*, b:/*), c:/*)", "join combines repo inputs only, not a cross")]
    [InlineData("a=b=c:/*", "'a=b=c' is not [name=]repo[@branch]")]
    [InlineData("a:'/x", "the quote ' is not closed")]
    public void Errors_are_PIPE2005_and_say_where(string text, string why)
    {
        var e = Assert.Throws<PipeException>(() => InputExpression.Parse(text, "x.pipeproj(3,5)"));

        Assert.Equal(ErrorCodes.InvalidInputExpression, e.Code);
        Assert.StartsWith($"x.pipeproj(3,5): invalid InputExpression '{text}': ", e.Message);
        Assert.Contains(why, e.Message);
        Assert.EndsWith("e.g. cross(split:/*, parameters:/c_parameters.txt/*).", e.Message);
    }

    private static PipelineSpec Spec(PipelineInput input) => new() { Name = "p", Command = ["x"], Input = input };
}
