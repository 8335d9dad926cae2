namespace PipeBuild.Examples.Tests;

/// <summary>
/// examples/iris (seed 001) under the docker executor: the same run.sh steps with every pipeline in containers of the
/// Debian python image give, byte for byte, the models and inferences of the local executor (issue 6).
/// </summary>
public sealed class IrisDockerExampleTests : IDisposable
{
    private readonly ExampleScript local = new("iris");
    private readonly ExampleScript docker = new("iris");

    [SkippableFact]
    public async Task Trains_and_infers_the_same_in_containers_as_with_the_local_executor()
    {
        // The local run's python3 (PATH) and the image's are both Debian's, with the same scikit-learn.
        Python.Require("pandas", "sklearn");
        ContainerEngine.Require(ContainerEngine.Python);

        await local.RunAsync();
        await docker.RunAsync(environment: new Dictionary<string, string?> { ["PIPELINE_OPTIONS"] = $"-p:Executor=docker -p:Image={ContainerEngine.Python}" });

        foreach (var pipeline in new[] { "model", "inference" })
        {
            var spec = docker.Json("pipeline", "inspect", pipeline).GetProperty("spec");
            Assert.Equal("docker", spec.GetProperty("executor").GetString());
            Assert.Equal(ContainerEngine.Python, spec.GetProperty("image").GetString());
            Assert.Equal("local", local.Json("pipeline", "inspect", pipeline).GetProperty("spec").GetProperty("executor").GetString());
        }

        // the same jobs: create, the switch to LDA (reprocess), the new training commit
        Assert.Equal([(1, 0, 1), (1, 0, 1), (1, 0, 1)], docker.Jobs("model"));
        Assert.Equal([(2, 0, 2), (2, 0, 2), (2, 0, 2)], docker.Jobs("inference"));
        Assert.Equal(local.Jobs("inference"), docker.Jobs("inference"));

        // every model (SVM, LDA, LDA on 148 flowers) the same: the SVM (libsvm) byte for byte; the LDA models to the
        // last few bits, because numpy's BLAS differs (the image has OpenBLAS, Debian's python3-sklearn installed
        // without recommends has the reference BLAS), which moves their SVD in the 14th digit
        var models = local.JobList("model").Zip(docker.JobList("model"), (inLocal, inDocker) =>
            (Local: local.GetBytes($"model@{inLocal.GetProperty("outputCommit").GetString()}:model.pkl"),
             Docker: docker.GetBytes($"model@{inDocker.GetProperty("outputCommit").GetString()}:model.pkl"))).ToArray();
        Assert.Equal(models[0].Local, models[0].Docker);
        foreach (var (inLocal, inDocker) in models)
        {
            Assert.True(inDocker.Length > 1000, $"model.pkl has {inDocker.Length} bytes");
            Assert.Equal("same model", await Python.CompareModelsAsync(inLocal, inDocker));
        }

        foreach (var (inLocal, inDocker) in local.JobList("inference").Zip(docker.JobList("inference")))
        {
            var localCommit = inLocal.GetProperty("outputCommit").GetString();
            var dockerCommit = inDocker.GetProperty("outputCommit").GetString();
            Assert.Equal(["/1.csv", "/2.csv"], docker.Files($"inference@{dockerCommit}"));
            foreach (var file in new[] { "1.csv", "2.csv" })
            {
                Assert.Equal(local.Get($"inference@{localCommit}:{file}"), docker.Get($"inference@{dockerCommit}:{file}"));
            }
        }

        // the tutorial's answer, from the container
        Assert.Equal("Iris-versicolor\nIris-virginica\nIris-virginica\nIris-virginica\nIris-setosa\nIris-setosa\n",
            docker.Get($"inference@{docker.JobList("inference")[0].GetProperty("outputCommit").GetString()}:2.csv"));
        Assert.Contains("ok:", docker.Output); // fsck
    }

    public void Dispose()
    {
        local.Dispose();
        docker.Dispose();
    }
}
