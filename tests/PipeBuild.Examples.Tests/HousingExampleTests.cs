using System.Text.Json;

namespace PipeBuild.Examples.Tests;

/// <summary>examples/housing (seed 000) end to end: needs python3 with pandas, scikit-learn and matplotlib.</summary>
public sealed class HousingExampleTests : IDisposable
{
    private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    private readonly ExampleScript example = new("housing");

    [SkippableFact]
    public async Task Analyses_splits_and_regresses_then_rolls_back_without_rerunning()
    {
        Python.Require("pandas", "sklearn", "matplotlib");
        await example.RunAsync();

        // per pipeline, the jobs of steps 3, 5, 7 (rollback: reused) and 8 as (ran, reused, total)
        (int, int, int)[] expected = [(1, 0, 1), (1, 0, 1), (0, 1, 1), (1, 0, 1)];
        Assert.Equal(expected, example.Jobs("data_analysis"));
        Assert.Equal(expected, example.Jobs("split"));
        Assert.Equal(expected, example.Jobs("regression"));

        // step 4's download: two plots, the learning curve, the model and a plausible score
        foreach (var png in new[] { "data_analysis-1/housing-simplified_pairplot.png", "data_analysis-1/housing-simplified_corr_matrix.png", "regression-1/housing-simplified_cv_reg_output.png" })
        {
            var bytes = File.ReadAllBytes(Path.Combine(example.Work, png));
            Assert.True(bytes.Length > 10_000 && bytes.AsSpan(0, 8).SequenceEqual(PngSignature), $"{png}: not a PNG plot ({bytes.Length} bytes)");
        }

        Assert.True(new FileInfo(Path.Combine(example.Work, "regression-1", "housing-simplified_final_model.sav")).Length > 1000);
        var regressions = example.JobList("regression");
        var first = Score($"regression@{regressions[0].GetProperty("outputCommit").GetString()}");
        Assert.InRange(first.R2, 0.6, 0.97);
        Assert.Equal(["RM", "LSTAT", "PTRATIO"], first.Features);

        // the error data leaks the target: a near-perfect r^2 and test_feature among the features
        var leaked = Score($"regression@{regressions[1].GetProperty("outputCommit").GetString()}");
        Assert.True(leaked.R2 > 0.98, $"r^2 {leaked.R2}");
        Assert.Contains("test_feature", leaked.Features);
        Assert.Contains("test_feature", example.Output); // the line diff shows the new column

        // the rollback rebuilt the first outputs from stored results: the same trees, nothing ran
        Assert.Equal(Tree(regressions[0]), Tree(regressions[2]));
        Assert.Equal(Tree(example.JobList("data_analysis")[0]), Tree(example.JobList("data_analysis")[2]));

        // the new data: 506 rows, 10% of them tested
        var last = Score("regression@master");
        Assert.InRange(last.R2, 0.6, 0.97);
        Assert.Equal(51, last.TestRows);
        Assert.Equal(
            [$"csv_data@{example.CommitId("csv_data@master")}", $"split@{example.CommitId("split@master")}"],
            example.Provenance("regression@master"));
        Assert.Contains("ok:", example.Output); // fsck
    }

    public void Dispose() => example.Dispose();

    private (double R2, string[] Features, int TestRows) Score(string commit)
    {
        using var score = JsonDocument.Parse(example.Get($"{commit}:housing-simplified_score.json"));
        var root = score.RootElement;
        return (root.GetProperty("r2").GetDouble(), [.. root.GetProperty("features").EnumerateArray().Select(f => f.GetString()!)], root.GetProperty("test_rows").GetInt32());
    }

    private string Tree(JsonElement job) =>
        example.Json("commit", "inspect", $"{job.GetProperty("pipeline").GetString()}@{job.GetProperty("outputCommit").GetString()}").GetProperty("tree").GetString()!;
}
