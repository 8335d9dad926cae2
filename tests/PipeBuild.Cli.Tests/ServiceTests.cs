using System.Net;
using System.Net.Sockets;

namespace PipeBuild.Cli.Tests;

/// <summary>
/// Services (Pachyderm's <c>service</c>) end to end: <c>watch</c> runs the service's process on its input's current
/// commit, serving it on its port, restarts it on each new input commit, and stops it at <c>pipeline stop</c>.
/// Every wait is on a condition.
/// </summary>
public sealed class ServiceTests : IDisposable
{
    private readonly TempWorkspace ws = new();
    private readonly HttpClient http = new() { Timeout = TimeSpan.FromSeconds(5) };
    private readonly int port = FreePort();

    /// <summary>
    /// Pachyderm's documentation's service example ("Service", docs.pachyderm.com 2.x, concepts/pipeline-concepts/pipeline/service:
    /// a Jupyter notebook serving its input repo on 8888, published as 30888), with Python's web server for the notebook
    /// and one free port for both, as the local executor cannot map one to the other.
    /// </summary>
    private string Spec(int external) => $$"""
        {
          "pipeline": { "name": "jupyter" },
          "input": { "pfs": { "glob": "/", "repo": "input" } },
          "service": { "external_port": {{external}}, "internal_port": {{port}}, "type": "NodePort" },
          "transform": { "cmd": [ "python3", "-m", "http.server", "{{port}}", "--bind", "127.0.0.1", "--directory", "/pfs/input" ] }
        }
        """;

    [Fact]
    public async Task Watch_serves_the_input_on_the_port_and_restarts_the_service_on_each_new_commit()
    {
        ws.Run("repo", "create", "input").ShouldSucceed();
        Put("v1");
        ws.Write("jupyter.json", Spec(port));
        ws.Run("pipeline", "create", "-f", "jupyter.json").ShouldSucceed();
        Assert.Contains($"port {port}, published as {port}, NodePort", ws.Run("pipeline", "inspect", "jupyter").ShouldSucceed().Stdout, StringComparison.Ordinal);
        Assert.Contains($"service: its process serves its inputs on port {port}", ws.Run("status").ShouldSucceed().Stdout, StringComparison.Ordinal);
        Assert.Empty(JsonOutput.Parse(ws.Run("job", "list", "-p", "jupyter", "--output", "json").ShouldSucceed()).EnumerateArray());

        var watch = new WatchProcess(ws, 0.2);
        try
        {
            await WaitUntilAsync(async () => await GetAsync() == "v1", "the service to serve v1");
            var second = Put("v2");
            await WaitUntilAsync(async () => await GetAsync() == "v2", "the service to serve the new commit");
            Assert.True(watch.Logged($"service 'jupyter' stopped: its inputs moved on to input@{second}"), watch.Log);

            ws.Run("pipeline", "stop", "jupyter").ShouldSucceed();
            await WaitUntilAsync(async () => await GetAsync() is null && watch.Logged("service 'jupyter' stopped: the pipeline was stopped or deleted"), "the service to stop");
            ws.Run("pipeline", "start", "jupyter").ShouldSucceed();
            await WaitUntilAsync(async () => await GetAsync() == "v2", "the service to serve again");
        }
        finally
        {
            await watch.StopAsync(); // Ctrl+C: watch stops the processes it runs as it ends
        }

        Assert.Null(await GetAsync()); // watch stopped it
        Assert.Empty(JsonOutput.Parse(ws.Run("job", "list", "-p", "jupyter", "--output", "json").ShouldSucceed()).EnumerateArray());
    }

    [Fact]
    public void Ports_the_local_executor_cannot_map_are_refused_and_nothing_is_stored()
    {
        ws.Run("repo", "create", "input").ShouldSucceed();
        ws.Write("jupyter.json", Spec(30888));
        var before = ws.StoreFingerprint();
        var refused = ws.Run("pipeline", "create", "-f", "jupyter.json").ShouldFailWith("PIPE4311");
        Assert.Contains($"external port 30888 differs from its internal port {port}", refused.Stderr, StringComparison.Ordinal);
        Assert.Equal(before, ws.StoreFingerprint());
    }

    [Fact]
    public void Convert_writes_the_service_settings_and_status_shows_it()
    {
        ws.Write("jupyter.json", Spec(port));
        ws.Run("pipeline", "convert", "jupyter.json").ShouldSucceed();
        var project = File.ReadAllText(Path.Combine(ws.Root, "jupyter.pipeproj"));
        Assert.Contains($"<ServiceInternalPort>{port}</ServiceInternalPort>", project, StringComparison.Ordinal);
        Assert.DoesNotContain("ServiceExternalPort", project, StringComparison.Ordinal); // the internal one, as written
        Assert.Contains("<ServiceType>NodePort</ServiceType>", project, StringComparison.Ordinal);
        File.Delete(Path.Combine(ws.Root, "jupyter.json"));

        ws.Run("repo", "create", "input").ShouldSucceed();
        ws.Run("run").ShouldSucceed(); // registers the .pipeproj; a service runs no job
        var status = ws.Run("status").ShouldSucceed().Stdout;
        Assert.Matches(@"jupyter\s+service\s", status);
        Assert.Empty(JsonOutput.Parse(ws.Run("job", "list", "-p", "jupyter", "--output", "json").ShouldSucceed()).EnumerateArray());
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

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Delay(100);
        }
    }

    /// <summary>Puts index.html and returns the commit's id.</summary>
    private string Put(string text)
    {
        var file = ws.Write("index.html", text);
        ws.Run("file", "put", "input@master:/index.html", "-f", file).ShouldSucceed();
        return JsonOutput.Parse(ws.Run("commit", "list", "input@master", "-n", "1", "--output", "json").ShouldSucceed())[0].GetProperty("id").GetString()!;
    }

    /// <summary>What the service serves as index.html, or null when nothing answers.</summary>
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
