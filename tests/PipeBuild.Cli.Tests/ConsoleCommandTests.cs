using CliWrap;

namespace PipeBuild.Cli.Tests;

/// <summary><c>dotnet pipe console</c> as a user starts it: it prints its address, serves the workspace, and Ctrl+C stops it.</summary>
public sealed class ConsoleCommandTests : IDisposable
{
    private readonly TempWorkspace ws = new();

    [Fact]
    public async Task Console_serves_the_workspace_at_the_address_it_prints_until_ctrl_c()
    {
        ws.Run("repo", "create", "data").ShouldSucceed();
        ws.Run("file", "put", "data@master:a.txt", "-f", ws.Write("a.txt", "alpha\n")).ShouldSucceed();
        ws.Write("p.json", """{"pipeline": {"name": "copy"}, "transform": {"cmd": ["sh", "-c", "cp /pfs/data/* /pfs/out/"]}, "input": {"pfs": {"repo": "data", "glob": "/*"}}}""");
        ws.Run("pipeline", "create", "-f", "p.json").ShouldSucceed();
        var address = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var interrupt = new CancellationTokenSource();

        var console = ws.InterruptibleCommand(["console", "--urls", "http://127.0.0.1:0"])
            .WithStandardOutputPipe(PipeTarget.ToDelegate(line =>
            {
                if (line.StartsWith("console at ", StringComparison.Ordinal))
                {
                    address.TrySetResult(line["console at ".Length..]);
                }
            }))
            .ExecuteAsync(CancellationToken.None, interrupt.Token);
        var url = await address.Task.WaitAsync(TimeSpan.FromSeconds(60));
        using var http = new HttpClient();

        Assert.StartsWith("http://127.0.0.1:", url);
        var page = await http.GetStringAsync(url);
        Assert.Contains("data-pipeline=\"copy\"", page);
        Assert.Contains("up to date", page);

        await interrupt.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => console.Task.WaitAsync(TimeSpan.FromSeconds(30)));
        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetStringAsync(url)); // it stopped listening
    }

    public void Dispose() => ws.Dispose();
}
