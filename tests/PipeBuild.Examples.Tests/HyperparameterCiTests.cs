using CliWrap;
using CliWrap.Buffered;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace PipeBuild.Examples.Tests;

/// <summary>
/// examples/hyperparameter's CI flow (seed 004): build the model image, set its tag in the pipeline, update with
/// reprocess; first as the script ci/deploy.sh, then as the MSBuild target DeployModel of ci/deploy.proj (the SDK
/// packed into a folder feed), each under the docker executor after run.sh's local run. On 4 C × 3 gamma values
/// (12 models, one of them under the stricter threshold run.sh ends with) rather than 77, so that two deploys of a container per model stay well under a minute each.
/// </summary>
public sealed class HyperparameterCiTests : IDisposable
{
    private const int Models = 12;

    private readonly ExampleScript example = new("hyperparameter");
    private readonly string modelImage = $"localhost/pipebuild-examples-model-{Guid.NewGuid():N}"[..45];
    private readonly List<string> images = [];

    [SkippableFact]
    public async Task Deploy_script_and_msbuild_target_rerun_every_model_in_the_new_image_with_the_local_results()
    {
        Python.Require("numpy", "sklearn");
        ContainerEngine.Require(ContainerEngine.Python);
        var cli = new[] { "docker", "podman" }.FirstOrDefault(OnPath);
        RequiredComponent.Require("docker or podman (the container CLI that builds the image)", cli is null ? "neither is on PATH" : null, "Run eng/test.sh (eng/setup/20-container-engine.sh installs Podman).");

        var parameters = Directory.CreateDirectory(Path.Combine(example.Work, "parameters-subset")).FullName;
        await File.WriteAllLinesAsync(Path.Combine(parameters, "c_parameters.txt"), File.ReadLines(RepositoryPaths.Combine("examples", "hyperparameter", "data", "parameters", "c_parameters.txt")).Take(4));
        await File.WriteAllLinesAsync(Path.Combine(parameters, "gamma_parameters.txt"), File.ReadLines(RepositoryPaths.Combine("examples", "hyperparameter", "data", "parameters", "gamma_parameters.txt")).TakeLast(3));
        await example.RunAsync(environment: new Dictionary<string, string?> { ["PARAMETERS"] = parameters });
        Assert.Equal([(Models, 0, Models)], example.Jobs("model"));
        var localModels = example.Files("model@master").ToDictionary(path => path, path => example.GetBytes($"model@master:{path}"));
        var selected = example.Files("select@master");
        Assert.Contains("/model_C0.125_G1.0.pkl", selected); // one of the two under the stricter threshold

        // The image carries train.py: the workspace's copy is not needed any more.
        File.Delete(Path.Combine(example.Work, "train.py"));

        // 1. the script, with its default tag: the commit of the example's folder (a timestamp outside git, as for
        // the dotnet new instance the test runs)
        var commit = await GitShortShaAsync(example.Folder);
        await example.RunAsync("ci/deploy.sh", new Dictionary<string, string?> { ["MODEL_IMAGE"] = modelImage, ["IMAGE_TAG"] = null, ["CONTAINER_CLI"] = null });
        var scriptImage = example.Json("pipeline", "inspect", "model").GetProperty("spec").GetProperty("image").GetString()!;
        images.Add(scriptImage);
        Assert.Matches(commit is null ? $@"^{modelImage}:\d{{14}}$" : $"^{modelImage}:{commit}$", scriptImage);
        await AssertDeployedAsync(scriptImage, deploys: 1, localModels, selected);
        Assert.Contains($"deployed {scriptImage}", example.Output);

        // 2. the MSBuild target, with another tag; the rebuilt image has the same id, and Reprocess="true" reruns anyway
        using var sdk = new SdkFeed();
        var copy = Directory.CreateTempSubdirectory("pipe-example-ci-").FullName;
        try
        {
            foreach (var folder in new[] { "ci", "pipelines" })
            {
                CopyFolder(Path.Combine(example.Folder, folder), Path.Combine(copy, "hyperparameter", folder));
            }

            await File.WriteAllTextAsync(Path.Combine(copy, "nuget.config"), sdk.NugetConfig());
            images.Add($"{modelImage}:msbuild");
            var build = sdk.Dotnet(Path.Combine(copy, "hyperparameter", "ci"), ["msbuild", "deploy.proj", "-t:DeployModel", "-nologo", $"-p:PipeWorkspace={example.Work}", $"-p:ModelImage={modelImage}", "-p:ImageTag=msbuild"]).ShouldSucceed();
            await AssertDeployedAsync($"{modelImage}:msbuild", deploys: 2, localModels, selected);
            Assert.Single(build.Lines("PipeUpdatePipeline: job"), l => l.Contains($" model: success, {Models} datum(s) ran, 0 reused", StringComparison.Ordinal));
            Assert.Single(build.Lines($"deployed {modelImage}:msbuild: model {Models} ran, 0 reused; test 0 ran, {Models} reused; select 0 ran, 1 reused"));
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    }

    public void Dispose()
    {
        using var docker = ContainerEngine.Client();
        foreach (var image in images)
        {
            try
            {
                docker.Images.DeleteImageAsync(image, new ImageDeleteParameters { Force = true }).GetAwaiter().GetResult();
            }
            catch (DockerApiException)
            {
            }
        }

        example.Dispose();
    }

    private static bool OnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Any(folder => File.Exists(Path.Combine(folder, program)));

    private static async Task<string?> GitShortShaAsync(string folder)
    {
        var git = await CliWrap.Cli.Wrap("git").WithArguments(["-C", folder, "rev-parse", "--short", "HEAD"])
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
        return git.ExitCode == 0 ? git.StandardOutput.Trim() : null;
    }

    private static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
    }

    /// <summary>What a user checks after deploy number <paramref name="deploys"/> of <paramref name="image"/>.</summary>
    private async Task AssertDeployedAsync(string image, int deploys, Dictionary<string, byte[]> localModels, string[] selected)
    {
        using (var docker = ContainerEngine.Client())
        {
            Assert.Contains(image, (await docker.Images.InspectImageAsync(image)).RepoTags);
        }

        var spec = example.Json("pipeline", "inspect", "model").GetProperty("spec");
        Assert.Equal(image, spec.GetProperty("image").GetString());
        Assert.Equal("docker", spec.GetProperty("executor").GetString());
        Assert.Empty(spec.GetProperty("transformFiles").EnumerateArray());

        // every model trained again, in a container (the workspace has no train.py); test and select got new jobs on
        // the new models and reused every stored result, because the models are byte for byte the local run's
        Assert.Equal((Models, 0, Models), example.Jobs("model")[^1]);
        Assert.Equal(1 + deploys, example.Jobs("model").Length);
        var job = example.JobList("model")[^1].GetProperty("id").GetString()!;
        Assert.Equal(Models, System.Text.RegularExpressions.Regex.Count(example.Pipe("job", "logs", job).ShouldSucceed().Stdout, @"\.pkl: trained on 120 rows"));
        (int, int, int)[] testJobs = [(Models, 0, Models), .. Enumerable.Repeat((0, Models, Models), deploys)];
        Assert.Equal(testJobs, example.Jobs("test"));
        Assert.Equal((0, 1, 1), example.Jobs("select")[^1]);
        Assert.Equal(2 + deploys, example.Jobs("select").Length); // create, the stricter threshold, each deploy
        var models = example.CommitId("model@master");
        Assert.Equal(models, example.JobList("model")[^1].GetProperty("outputCommit").GetString());
        Assert.Contains($"model@{models}", example.Provenance("test@master"));
        Assert.Contains($"model@{models}", example.Provenance("select@master"));

        Assert.Equal(localModels.Keys.Order(StringComparer.Ordinal), example.Files("model@master"));
        foreach (var (path, bytes) in localModels)
        {
            Assert.Equal(bytes, example.GetBytes($"model@master:{path}"));
        }

        Assert.Equal(selected, example.Files("select@master"));
    }
}
