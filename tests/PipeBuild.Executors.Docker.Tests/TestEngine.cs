using Docker.DotNet;
using Docker.DotNet.Models;
using PipeBuild.Executors.Docker;

namespace PipeBuild.Executors.Docker.Tests;

/// <summary>
/// The container engine at DOCKER_HOST (Podman's Docker API in eng/test.sh) and the test images that
/// eng/setup/20-container-engine.sh builds; a test client to look at containers the way a user would.
/// </summary>
internal static class TestEngine
{
    public const string Busybox = "localhost/pipebuild-busybox:test";
    public const string Python = "localhost/pipebuild-python:test";

    private static readonly Lazy<string?> Missing = new(Probe);

    public static Uri Endpoint => DockerExecutorOptions.FromEnvironment().Endpoint;

    /// <summary>Skips (in CI: fails) unless the engine answers and has the test images.</summary>
    public static void Require() =>
        RequiredComponent.Require("a container engine serving the Docker API with the test images", Missing.Value, "Run eng/test.sh (eng/setup/20-container-engine.sh starts Podman's service, exports DOCKER_HOST and builds the images).");

    public static DockerClient Client() => new DockerClientConfiguration(Endpoint).CreateClient();

    /// <summary>Every container (running or not) carrying <paramref name="label"/>=<paramref name="value"/>.</summary>
    public static async Task<IList<ContainerListResponse>> ContainersAsync(string label, string value)
    {
        using var docker = Client();
        return await docker.Containers.ListContainersAsync(
            new ContainersListParameters
            {
                All = true,
                Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"{label}={value}"] = true } },
            });
    }

    private static string? Probe()
    {
        try
        {
            using var docker = Client();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            docker.System.PingAsync(timeout.Token).GetAwaiter().GetResult();
            foreach (var image in new[] { Busybox, Python })
            {
                try
                {
                    docker.Images.InspectImageAsync(image, timeout.Token).GetAwaiter().GetResult();
                }
                catch (DockerImageNotFoundException)
                {
                    return $"the engine at {Endpoint} has no image {image}";
                }
            }

            return null;
        }
        catch (Exception e) when (e is not DockerImageNotFoundException)
        {
            return $"no engine answers at {Endpoint} ({e.GetBaseException().Message})";
        }
    }
}
