using Amazon.Runtime;
using Amazon.S3;
using PipeBuild.Store;
using PipeBuild.Store.Local;

namespace PipeBuild.S3Gateway.Tests;

/// <summary>
/// A workspace (<see cref="TempWorkspace"/>, driven with the tool's commands) and the S3 gateway serving its store on
/// a free loopback port in this process, with clients for it.
/// </summary>
internal sealed class GatewaySession : IAsyncDisposable
{
    private readonly string uploads;

    private GatewaySession(TempWorkspace ws, S3GatewayServer server, string uploads, S3GatewayOptions options)
    {
        Ws = ws;
        Server = server;
        this.uploads = uploads;
        Options = options;
    }

    public TempWorkspace Ws { get; }

    public S3GatewayServer Server { get; }

    public S3GatewayOptions Options { get; }

    public string Endpoint => Server.Addresses[0].ToString().TrimEnd('/');

    /// <summary>
    /// Starts the gateway over a new workspace with the repo <c>images</c>; <paramref name="prepare"/> fills it first.
    /// </summary>
    public static async Task<GatewaySession> StartAsync(Action<TempWorkspace>? prepare = null, string? accessKey = null, string? secretKey = null)
    {
        var ws = new TempWorkspace();
        ws.Run("repo", "create", "images").ShouldSucceed();
        prepare?.Invoke(ws);
        var uploads = Directory.CreateTempSubdirectory("pipe-s3-uploads-").FullName;
        var options = new S3GatewayOptions { Urls = ["http://127.0.0.1:0"], AccessKey = accessKey, SecretKey = secretKey, UploadFolder = uploads, Errors = new StringWriter() };
        var server = await S3GatewayServer.StartAsync(new VersionStore(new LocalObjectStore(ws.PipeFolder)), options, default);
        return new GatewaySession(ws, server, uploads, options);
    }

    /// <summary>The AWS SDK for .NET against the gateway, path-style, with its default checksums and signing.</summary>
    public AmazonS3Client Client(string accessKey = "any", string secretKey = "any") =>
        new(new BasicAWSCredentials(accessKey, secretKey), new AmazonS3Config { ServiceURL = Endpoint, ForcePathStyle = true, AuthenticationRegion = "us-east-1", MaxErrorRetry = 0 });

    /// <summary>Puts a file into a repo with <c>dotnet pipe file put</c>.</summary>
    public static void Put(TempWorkspace ws, string target, string content)
    {
        var source = ws.Write(Path.Combine("sources", Guid.NewGuid().ToString("N")), content);
        ws.Run("file", "put", target, "-f", source).ShouldSucceed();
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        Ws.Dispose();
        Directory.Delete(uploads, recursive: true);
    }
}
