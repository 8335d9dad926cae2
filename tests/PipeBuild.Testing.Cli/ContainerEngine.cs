using System.Collections.Concurrent;
using Docker.DotNet;
using PipeBuild.Executors.Docker;

namespace PipeBuild.Testing;

/// <summary>
/// The container engine the docker executor uses (DOCKER_HOST, Podman's Docker API in eng/test.sh) and the test
/// images eng/setup/20-container-engine.sh builds: a probe for <c>[SkippableFact]</c> tests and a client to look at
/// containers and images the way a user would.
/// </summary>
public static class ContainerEngine
{
    public const string Busybox = "localhost/pipebuild-busybox:test";
    public const string Python = "localhost/pipebuild-python:test";

    private static readonly ConcurrentDictionary<string, Lazy<string?>> Probes = new(StringComparer.Ordinal);

    public static Uri Endpoint => DockerExecutorOptions.FromEnvironment().Endpoint;

    public static DockerClient Client() => new DockerClientConfiguration(Endpoint).CreateClient();

    /// <summary>Skips (in CI: fails) unless the engine answers and has <paramref name="images"/>.</summary>
    public static void Require(params string[] images) =>
        RequiredComponent.Require(
            $"a container engine serving the Docker API with {string.Join(", ", images)}",
            Probes.GetOrAdd(string.Join(' ', images), _ => new Lazy<string?>(() => Probe(images))).Value,
            "Run eng/test.sh (eng/setup/20-container-engine.sh starts Podman's service, exports DOCKER_HOST and builds the images).");

    private static string? Probe(string[] images)
    {
        try
        {
            using var docker = Client();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            docker.System.PingAsync(timeout.Token).GetAwaiter().GetResult();
            foreach (var image in images)
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
