using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using CliWrap.Buffered;
using Xunit;

namespace PipeBuild.Store.S3.Tests;

/// <summary>The S3 server dies in the middle of a large put and comes back: the put resumes (or fails cleanly), nothing half-written shows.</summary>
public sealed class S3RestartTests : IDisposable
{
    private const string Bucket = "restart";
    private readonly string data = Directory.CreateTempSubdirectory("pipe-s3rver-").FullName;
    private readonly int port = FreePort();
    private readonly TempWorkspace ws = new(init: false);
    private Process? server;

    [SkippableFact]
    public async Task Server_restart_during_a_large_put_resumes_or_fails_cleanly_and_fsck_stays_clean()
    {
        RequiredComponent.Require("s3rver", S3TestServer.Program is null ? "PIPE_TEST_S3RVER is not set" : null, "Run eng/test.sh, which installs it (eng/setup/30-s3.sh).");
        await StartServerAsync();
        var endpoint = $"http://127.0.0.1:{port}";
        Run("init", "--store", $"s3://{Bucket}/big", "--s3-endpoint", endpoint).ShouldSucceed();
        Run("repo", "create", "big").ShouldSucceed();
        var source = Path.Combine(ws.Root, "big.bin");
        await File.WriteAllBytesAsync(source, RandomNumberGenerator.GetBytes(96 * 1024 * 1024));

        var put = ws.Command(["file", "put", "big@master:big.bin", "-f", source]).WithS3(endpoint).ExecuteBufferedAsync();
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (StoredObjects() < 15 && DateTime.UtcNow < deadline && !put.Task.IsCompleted)
        {
            await Task.Delay(20);
        }

        Assert.False(put.Task.IsCompleted, "the put finished before the server could be stopped; make the file larger");
        server!.Kill(entireProcessTree: true); // mid-upload: requests in flight are cut off
        await server.WaitForExitAsync();
        await Task.Delay(TimeSpan.FromSeconds(2));
        await StartServerAsync();
        var result = await put;

        if (result.ExitCode == 0)
        {
            var target = Path.Combine(ws.Root, "back.bin");
            Run("file", "get", "big@master:big.bin", "-o", target).ShouldSucceed();
            Assert.Equal(await File.ReadAllBytesAsync(source), await File.ReadAllBytesAsync(target));
        }
        else
        {
            Assert.Equal(1, result.ExitCode);
            Assert.Matches("error PIPE51[0-9][0-9]:", result.StandardError);
            Assert.Equal(0, JsonOutput.Parse(Run("commit", "list", "big", "--output", "json")).GetArrayLength()); // no commit half-made
        }

        Run("fsck").ShouldSucceed();
    }

    public void Dispose()
    {
        if (server is { HasExited: false })
        {
            server.Kill(entireProcessTree: true);
            server.WaitForExit();
        }

        ws.Dispose();
        Directory.Delete(data, recursive: true);
    }

    private PipeResult Run(params string[] args)
    {
        var result = ws.Command(args).WithS3($"http://127.0.0.1:{port}").ExecuteBufferedAsync().GetAwaiter().GetResult();
        return new PipeResult(result.ExitCode, result.StandardOutput, result.StandardError);
    }

    private int StoredObjects() =>
        Directory.Exists(Path.Combine(data, Bucket)) ? Directory.EnumerateFiles(Path.Combine(data, Bucket), "*_object", SearchOption.AllDirectories).Count() : 0;

    private async Task StartServerAsync()
    {
        var start = new ProcessStartInfo(S3TestServer.Program!) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "-d", data, "-a", "127.0.0.1", "-p", port.ToString(), "--configure-bucket", Bucket, "--silent" })
        {
            start.ArgumentList.Add(arg);
        }

        server = Process.Start(start)!;
        server.OutputDataReceived += (_, _) => { };
        server.ErrorDataReceived += (_, _) => { };
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();
        for (var waited = 0; ; waited++)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) when (waited < 200)
            {
                await Task.Delay(50);
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
