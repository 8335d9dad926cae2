using System.Globalization;

namespace PipeBuild.Examples.Tests;

/// <summary>examples/diabetes (seed 002) end to end: needs python3 with pandas and scikit-learn.</summary>
public sealed class DiabetesExampleTests : IDisposable
{
    private readonly ExampleScript example = new("diabetes");

    [SkippableFact]
    public async Task Trains_predicts_and_switches_to_multiple_regression()
    {
        Python.Require("pandas", "sklearn");
        await example.RunAsync();

        Assert.Equal([(1, 0, 1), (1, 0, 1)], example.Jobs("model"));
        Assert.Equal([(3, 0, 3), (3, 0, 3)], example.Jobs("prediction")); // reran after the new model

        // exercise 1: the single regression on bmi
        var models = example.JobList("model");
        Assert.StartsWith("y = 152.1335 + 949.4353 * bmi\n", example.Get($"model@{models[0].GetProperty("outputCommit").GetString()}:model.txt"));
        var first = example.JobList("prediction")[0].GetProperty("outputCommit").GetString();
        Assert.Equal(["/1.csv", "/2.csv", "/3.csv"], example.Files($"prediction@{first}"));
        Assert.Equal(210.71, Predictions($"prediction@{first}:1.csv").Single(), 0.01);
        Assert.Equal(3, Predictions($"prediction@{first}:2.csv").Length);
        Assert.Equal(5, Predictions($"prediction@{first}:3.csv").Length);

        // exercise 3: the multiple regression, and predictions made with it
        Assert.Matches(@"^y = 152\.1335 \+ 675\.\d+ \* bmi \+ 614\.\d+ \* ltg\n", example.Get("model@master:model.txt"));
        Assert.Equal(206.02, Predictions("prediction@master:1.csv").Single(), 0.01);
        Assert.Contains($"model@{example.CommitId("model@master")}", example.Provenance("prediction@master"));
        Assert.Contains("ok:", example.Output); // fsck
    }

    public void Dispose() => example.Dispose();

    private double[] Predictions(string reference) =>
        [.. example.Get(reference).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => double.Parse(l, CultureInfo.InvariantCulture))];
}
