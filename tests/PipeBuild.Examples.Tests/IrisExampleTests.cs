namespace PipeBuild.Examples.Tests;

/// <summary>examples/iris (seed 001) end to end: needs python3 with pandas and scikit-learn.</summary>
public sealed class IrisExampleTests : IDisposable
{
    private readonly ExampleScript example = new("iris");

    [SkippableFact]
    public async Task Trains_infers_and_follows_a_new_model_type_and_new_training_data()
    {
        Python.Require("pandas", "sklearn");
        await example.RunAsync();

        // the model: trained at create, after the switch to LDA, after the training commit; the inference after
        // each (2 attributes files, 2 datums), and no job for the parallelism change
        Assert.Equal([(1, 0, 1), (1, 0, 1), (1, 0, 1)], example.Jobs("model"));
        Assert.Equal([(2, 0, 2), (2, 0, 2), (2, 0, 2)], example.Jobs("inference"));
        Assert.Equal(10, example.Json("pipeline", "inspect", "inference").GetProperty("spec").GetProperty("parallelism").GetInt32());
        Assert.Equal("lda", example.Json("pipeline", "inspect", "model").GetProperty("spec").GetProperty("command").EnumerateArray().Last().GetString());

        // step 7: the tutorial's answers
        var inferences = example.JobList("inference");
        var first = inferences[0].GetProperty("outputCommit").GetString();
        Assert.Equal(["/1.csv", "/2.csv"], example.Files($"inference@{first}"));
        Assert.Equal("Iris-virginica\n", example.Get($"inference@{first}:1.csv"));
        Assert.Equal("Iris-versicolor\nIris-virginica\nIris-virginica\nIris-virginica\nIris-setosa\nIris-setosa\n", example.Get($"inference@{first}:2.csv"));

        // step 9: another model (SVM and LDA pickles differ), and inference made with it
        var models = example.JobList("model");
        Assert.NotEqual(example.Get($"model@{models[0].GetProperty("outputCommit").GetString()}:model.pkl"), example.Get($"model@{models[1].GetProperty("outputCommit").GetString()}:model.pkl"));
        Assert.Contains(example.Provenance($"inference@{inferences[1].GetProperty("outputCommit").GetString()}"), p => p == $"model@{models[1].GetProperty("outputCommit").GetString()}");

        // step 10: one commit replaced the training data (148 flowers), and both pipelines reran on it
        Assert.Equal(2, example.Json("commit", "list", "training@master").GetArrayLength());
        Assert.Equal(148, example.Get("training@master:iris.csv").Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);

        // step 11: the latest inference names the training, attributes and model commits it came from
        var training = example.CommitId("training@master");
        Assert.Contains($"started commit {training}", example.Output);
        Assert.Equal(
            [$"attributes@{example.CommitId("attributes@master")}", $"model@{example.CommitId("model@master")}", $"training@{training}"],
            example.Provenance("inference@master"));
        Assert.Contains("ok:", example.Output); // fsck
    }

    public void Dispose() => example.Dispose();
}
