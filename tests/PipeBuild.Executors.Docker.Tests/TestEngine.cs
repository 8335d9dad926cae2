using Docker.DotNet;
using Docker.DotNet.Models;

namespace PipeBuild.Executors.Docker.Tests;

/// <summary>
/// The container engine at DOCKER_HOST (Podman's Docker API in eng/test.sh) and the test images that
/// eng/setup/20-container-engine.sh builds; a test client to look at containers the way a user would.
/// </summary>
internal static class TestEngine
{
    public const string Busybox = ContainerEngine.Busybox;
    public const string Python = ContainerEngine.Python;

    public static Uri Endpoint => ContainerEngine.Endpoint;

    /// <summary>Skips (in CI: fails) unless the engine answers and has the test images.</summary>
    public static void Require() => ContainerEngine.Require(Busybox, Python);

    public static DockerClient Client() => ContainerEngine.Client();

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
}
