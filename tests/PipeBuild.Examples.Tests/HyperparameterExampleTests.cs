using System.Globalization;

namespace PipeBuild.Examples.Tests;

/// <summary>examples/hyperparameter (seed 004) end to end: needs python3 with numpy and scikit-learn.</summary>
public sealed class HyperparameterExampleTests : IDisposable
{
    private readonly ExampleScript example = new("hyperparameter");

    [SkippableFact]
    public async Task Trains_one_model_per_parameter_pair_and_selects_those_under_the_threshold()
    {
        Python.Require("numpy", "sklearn");
        await example.RunAsync();

        // 11 C values x 7 gamma values, each a file made by --split line
        Assert.Equal(11, example.Files("parameters@master:c_parameters.txt").Length);
        Assert.Equal("/c_parameters.txt/000000000000000a", example.Files("parameters@master:c_parameters.txt")[^1]);
        Assert.Equal("0.031\n", example.Get("parameters@master:c_parameters.txt/0000000000000000"));
        Assert.Equal(7, example.Files("parameters@master:gamma_parameters.txt").Length);

        Assert.Equal([(1, 0, 1)], example.Jobs("split"));
        Assert.Equal([(77, 0, 77)], example.Jobs("model"));
        Assert.Equal([(77, 0, 77)], example.Jobs("test"));
        Assert.Equal([(1, 0, 1), (1, 0, 1)], example.Jobs("select")); // the stricter threshold reran select only

        var models = example.Files("model@master");
        Assert.Equal(77, models.Length);
        Assert.Contains("/model_C0.031_G0.001.pkl", models);
        Assert.Contains("/model_C32768.0_G4.0.pkl", models);

        // selected: exactly the models whose test error is at most the threshold
        var errors = example.Files("test@master").ToDictionary(
            path => path[1..^"_error.txt".Length],
            path => double.Parse(example.Get($"test@master:{path}"), CultureInfo.InvariantCulture));
        Assert.Equal(77, errors.Count);
        string[] Under(double threshold) => [.. errors.Where(e => e.Value <= threshold).Select(e => $"/{e.Key}.pkl").Order(StringComparer.Ordinal)];
        var selectJobs = example.JobList("select");
        Assert.Equal(Under(0.1), example.Files($"select@{selectJobs[0].GetProperty("outputCommit").GetString()}"));
        Assert.Equal(57, Under(0.1).Length);
        Assert.Equal(Under(0.05), example.Files("select@master"));
        Assert.Equal(2, Under(0.05).Length);
        Assert.Equal(example.Get("model@master:model_C0.125_G1.0.pkl"), example.Get("select@master:model_C0.125_G1.0.pkl"));
        Assert.Contains("ok:", example.Output); // fsck
    }

    public void Dispose() => example.Dispose();
}
