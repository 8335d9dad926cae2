using Amazon.S3.Model;
using CliWrap;

namespace PipeBuild.S3Gateway.Tests;

/// <summary><c>dotnet pipe s3 serve</c> as a user starts it: it prints its address, serves the workspace, and Ctrl+C stops it.</summary>
public sealed class ServeCommandTests : IDisposable
{
    private readonly TempWorkspace ws = new();

    [Fact]
    public async Task S3_serve_serves_the_workspace_at_the_address_it_prints_until_ctrl_c()
    {
        ws.Run("repo", "create", "data").ShouldSucceed();
        GatewaySession.Put(ws, "data@master:a.txt", "alpha\n");
        var address = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var interrupt = new CancellationTokenSource();

        var serve = ws.InterruptibleCommand(["s3", "serve", "--urls", "http://127.0.0.1:0"])
            .WithStandardOutputPipe(PipeTarget.ToDelegate(line =>
            {
                if (line.StartsWith("s3 gateway at ", StringComparison.Ordinal))
                {
                    address.TrySetResult(line["s3 gateway at ".Length..]);
                }
            }))
            .ExecuteAsync(CancellationToken.None, interrupt.Token);
        var url = (await address.Task.WaitAsync(TimeSpan.FromSeconds(60))).TrimEnd('/');
        using var s3 = new Amazon.S3.AmazonS3Client("any", "any", new Amazon.S3.AmazonS3Config { ServiceURL = url, ForcePathStyle = true, AuthenticationRegion = "us-east-1" });

        var listing = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = "master.data" });
        Assert.Equal(["a.txt"], listing.S3Objects.Select(o => o.Key));

        await interrupt.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => serve.Task.WaitAsync(TimeSpan.FromSeconds(30)));
        using var http = new HttpClient();
        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetStringAsync(url + "/master.data/a.txt")); // it stopped listening
    }

    public void Dispose() => ws.Dispose();
}
