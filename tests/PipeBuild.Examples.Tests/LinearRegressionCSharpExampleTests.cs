using System.Text.Json;

namespace PipeBuild.Examples.Tests;

/// <summary>examples/linear-regression-csharp (seed 003) end to end: needs only the .NET SDK.</summary>
public sealed class LinearRegressionCSharpExampleTests : IDisposable
{
    private readonly ExampleScript example = new("linear-regression-csharp");

    [Fact]
    public async Task Trains_predicts_and_follows_new_training_data_and_a_new_model()
    {
        await example.RunAsync();

        // one model job per change of its input or definition; the prediction job after each model job, and none
        // for the parallelism change (0 datums at first: the attributes repo was still empty)
        Assert.Equal([(1, 0, 1), (1, 0, 1), (1, 0, 1)], example.Jobs("model"));
        Assert.Equal([(0, 0, 0), (3, 0, 3), (3, 0, 3), (3, 0, 3)], example.Jobs("prediction"));
        Assert.Equal(10, example.Json("pipeline", "inspect", "prediction").GetProperty("spec").GetProperty("parallelism").GetInt32());

        // the single regression on all 442 rows gives the tutorial's numbers
        var models = example.JobList("model");
        var first = Model(example.Get($"model@{models[0].GetProperty("outputCommit").GetString()}:model.json"));
        Assert.Equal(152.13348416289818, first.Intercept, 1e-6);
        Assert.Equal("bmi", Assert.Single(first.Coefficients).Name);
        Assert.Equal(949.4352603839862, first.Coefficients[0].Value, 1e-6);
        var firstPrediction = Prediction(example.Get($"prediction@{example.JobList("prediction")[1].GetProperty("outputCommit").GetString()}:1.json"));
        Assert.Equal(210.7100380636843, firstPrediction, 1e-6);
        Assert.Equal(["/1.json", "/2.json", "/3.json"], example.Files("prediction@master"));

        // the overwritten training data (two rows fewer) moved the model
        var second = Model(example.Get($"model@{models[1].GetProperty("outputCommit").GetString()}:model.json"));
        Assert.NotEqual(first.Coefficients[0].Value, second.Coefficients[0].Value);

        // the multiple regression model, and predictions made with it
        var last = Model(example.Get("model@master:model.json"));
        Assert.Equal(["bmi", "ltg"], last.Coefficients.Select(c => c.Name));
        Assert.InRange(last.Coefficients[1].Value, 600, 630);
        foreach (var name in new[] { "1.json", "2.json", "3.json" })
        {
            using var attributes = JsonDocument.Parse(File.ReadAllText(Path.Combine(example.Folder, "data", "test", name)));
            var values = attributes.RootElement.GetProperty("independent_variables").EnumerateArray()
                .ToDictionary(v => v.GetProperty("name").GetString()!, v => v.GetProperty("value").GetDouble());
            var expected = last.Intercept + last.Coefficients.Sum(c => c.Value * values[c.Name]);
            Assert.Equal(expected, Prediction(example.Get($"prediction@master:{name}")), 1e-9);
        }

        // provenance: the latest predictions name the attributes, model and training commits they came from
        Assert.Equal(
            [$"attributes@{example.CommitId("attributes@master")}", $"model@{example.CommitId("model@master")}", $"training@{example.CommitId("training@master")}"],
            example.Provenance("prediction@master"));
        Assert.Contains("ok:", example.Output); // fsck
    }

    public void Dispose() => example.Dispose();

    private static (double Intercept, (string Name, double Value)[] Coefficients) Model(string json)
    {
        using var model = JsonDocument.Parse(json);
        return (model.RootElement.GetProperty("intercept").GetDouble(),
            [.. model.RootElement.GetProperty("coefficients").EnumerateArray().Select(c => (c.GetProperty("name").GetString()!, c.GetProperty("coefficient").GetDouble()))]);
    }

    private static double Prediction(string json)
    {
        using var prediction = JsonDocument.Parse(json);
        return prediction.RootElement.GetProperty("predicted_diabetes_progression").GetDouble();
    }
}
