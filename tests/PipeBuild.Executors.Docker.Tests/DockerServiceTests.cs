using System.Net;
using System.Net.Sockets;

namespace PipeBuild.Executors.Docker.Tests;

/// <summary>
/// A service under the docker executor through <c>dotnet pipe watch</c>: its container serves the input's current commit on
/// the published port, a new commit gets a new container, and watch removes it when it stops.
/// </summary>
public sealed class DockerServiceTests : IDisposable
{
    private readonly TempWorkspace ws = new();
    private readonly HttpClient http = new() { Timeout = TimeSpan.FromSeconds(5) };
    private readonly int port = FreePort();
    private readonly string name = $"jupyter-{Guid.NewGuid():N}"[..20];

    [SkippableTheory]
    [InlineData("""[ "httpd", "-f", "-p", "8888", "-h", "/pfs/input" ]""", "[]")]
    [InlineData("""[ "sh" ]""", """[ "exec httpd -f -p 8888 -h /pfs/input" ]""")] // a service written as a script on stdin
    public async Task Watch_publishes_the_service_port_and_serves_each_new_commit(string cmd, string stdin)
    {
        TestEngine.Require();
        ws.Run("repo", "create", "input").ShouldSucceed();
        Put("v1");

        // Pachyderm's documentation's service example (concepts/pipeline-concepts/pipeline/service: a Jupyter notebook on
        // 8888, published as 30888), with busybox's httpd for the notebook and a free port of this machine for 30888.
        ws.Write("jupyter.json", $$"""
            {
              "pipeline": { "name": "{{name}}" },
              "input": { "pfs": { "glob": "/", "repo": "input" } },
              "service": { "external_port": {{port}}, "internal_port": 8888 },
              "transform": { "cmd": {{cmd}}, "stdin": {{stdin}}, "image": "{{TestEngine.Busybox}}" }
            }
            """);
        ws.Run("pipeline", "create", "-f", "jupyter.json", "--executor", "docker").ShouldSucceed();

        var watch = new WatchProcess(ws, 0.2);
        try
        {
            await WaitUntilAsync(async () => await GetAsync() == "v1", "the container to serve v1", watch);
            Put("v2");
            await WaitUntilAsync(async () => await GetAsync() == "v2", "a new container to serve the new commit", watch);
        }
        finally
        {
            await watch.StopAsync(); // Ctrl+C: watch stops the processes it runs as it ends
        }

        Assert.Null(await GetAsync());
        Assert.Empty(await TestEngine.ContainersAsync("pipebuild.pipeline", name));
    }

    public void Dispose()
    {
        http.Dispose();
        ws.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, WatchProcess watch)
    {
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}; watch said:\n{watch.Log}");
            await Task.Delay(200);
        }
    }

    private void Put(string text)
    {
        var file = ws.Write("index.html", text);
        ws.Run("file", "put", "input@master:/index.html", "-f", file).ShouldSucceed();
    }

    private async Task<string?> GetAsync()
    {
        try
        {
            return await http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/index.html"));
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }
}
