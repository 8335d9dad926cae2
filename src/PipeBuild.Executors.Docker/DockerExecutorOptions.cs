using PipeBuild.Engine;

namespace PipeBuild.Executors.Docker;

/// <summary>Where the Docker Engine API is served.</summary>
/// <param name="Endpoint">unix:///var/run/docker.sock, npipe://./pipe/docker_engine, tcp://host:2375, ...</param>
public sealed record DockerExecutorOptions(Uri Endpoint)
{
    /// <summary>Where the values of a pipeline's secrets come from (variables of its containers, bind-mounted folders); null: none here.</summary>
    public SecretStore? Secrets { get; init; }

    /// <summary>DOCKER_HOST if set (as the docker CLI reads it), else the platform's default socket.</summary>
    public static DockerExecutorOptions FromEnvironment()
    {
        var host = Environment.GetEnvironmentVariable("DOCKER_HOST");
        if (!string.IsNullOrWhiteSpace(host))
        {
            return new DockerExecutorOptions(new Uri(host.Trim()));
        }

        return new DockerExecutorOptions(new Uri(OperatingSystem.IsWindows() ? "npipe://./pipe/docker_engine" : "unix:///var/run/docker.sock"));
    }
}
