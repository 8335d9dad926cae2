using System.Net;
using System.Xml;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PipeBuild.Core;
using PipeBuild.Store;

namespace PipeBuild.S3Gateway;

/// <summary>
/// The S3 gateway's web server: Kestrel answering S3's REST API (path-style: <c>http://HOST:PORT/BUCKET/KEY</c>) over
/// one workspace's store through <see cref="S3Operations"/>. Loopback only unless a key pair guards it; with keys,
/// every request must carry an AWS Signature Version 4 made with them. docs/s3-gateway.md
/// </summary>
public sealed class S3GatewayServer : IAsyncDisposable
{
    private readonly WebApplication app;

    private S3GatewayServer(WebApplication app, IReadOnlyList<Uri> addresses)
    {
        this.app = app;
        Addresses = addresses;
    }

    /// <summary>Where it listens (ports chosen by the system filled in).</summary>
    public IReadOnlyList<Uri> Addresses { get; }

    /// <summary>
    /// Starts listening; PIPE1011 when keys are missing for a non-loopback address (or only one of the pair is
    /// given), PIPE1010 when an address is invalid or taken.
    /// </summary>
    public static async Task<S3GatewayServer> StartAsync(VersionStore store, S3GatewayOptions options, CancellationToken cancellationToken)
    {
        var urls = options.Urls.Select(u => ListenAddress.Parse(u, S3GatewayOptions.DefaultUrl)).ToList();
        if (string.IsNullOrEmpty(options.AccessKey) != string.IsNullOrEmpty(options.SecretKey))
        {
            throw new PipeException(ErrorCodes.S3GatewayNeedsKeys, $"--access-key and --secret-key go together ({S3GatewayOptions.AccessKeyVariable} and {S3GatewayOptions.SecretKeyVariable}): give both, or neither on a loopback address.");
        }

        (string Access, string Secret)? keys = string.IsNullOrEmpty(options.AccessKey) ? null : (options.AccessKey, options.SecretKey!);
        if (keys is null && !urls.All(ListenAddress.IsLoopback))
        {
            throw new PipeException(ErrorCodes.S3GatewayNeedsKeys, $"--urls {string.Join(",", options.Urls)} is reachable from other machines: give the key pair clients must sign with (--access-key and --secret-key, or {S3GatewayOptions.AccessKeyVariable} and {S3GatewayOptions.SecretKeyVariable}), or listen on 127.0.0.1.");
        }

        Directory.CreateDirectory(options.UploadFolder);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls([.. options.Urls]);
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = null); // an object may be gigabytes
        var app = builder.Build();
        var operations = new S3Operations(store, new MultipartUploads(options.UploadFolder));
        app.Run(async context =>
        {
            var response = context.Response;
            response.Headers["x-amz-request-id"] = context.TraceIdentifier;
            response.Headers.Server = "PipeBuild";
            try
            {
                var signed = keys is { } k ? SigV4.Verify(context.Request, k.Access, k.Secret, options.Time.GetUtcNow()) : null;
                await operations.HandleAsync(context, signed);
            }
            catch (Exception e) when (!context.RequestAborted.IsCancellationRequested)
            {
                var error = e switch
                {
                    S3Exception s3 => s3,
                    PipeException pipe => FromPipe(pipe),
                    BadHttpRequestException bad => new S3Exception(bad.StatusCode, "InvalidRequest", bad.Message),
                    _ => null,
                };
                if (error is null)
                {
                    lock (options.Errors)
                    {
                        options.Errors.WriteLine($"s3 gateway: {context.Request.Method} {context.Request.Path}{context.Request.QueryString}: {e.GetType().Name}: {e.Message}");
                    }

                    error = new S3Exception(500, "InternalError", $"We encountered an internal error ({e.GetType().Name}: {e.Message}).");
                }

                await WriteErrorAsync(context, error);
            }
        });

        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or System.Net.Sockets.SocketException)
        {
            await app.DisposeAsync();
            throw new PipeException(ErrorCodes.ConsoleCannotListen, $"cannot listen on {string.Join(", ", options.Urls)}: {e.Message}");
        }

        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Select(a => new Uri(a)).ToList();
        return new S3GatewayServer(app, addresses);
    }

    /// <summary>Runs until <paramref name="cancellationToken"/> (Ctrl+C, SIGTERM) ends it.</summary>
    public async Task WaitAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync(CancellationToken.None);
        await app.DisposeAsync();
    }

    /// <summary>The store's errors in S3's terms: what is missing is a missing bucket, a bad path a bad argument.</summary>
    private static S3Exception FromPipe(PipeException e) => e.Code switch
    {
        ErrorCodes.RepoNotFound or ErrorCodes.BranchNotFound or ErrorCodes.CommitNotFound or ErrorCodes.AmbiguousCommit => new S3Exception(404, "NoSuchBucket", e.Message),
        ErrorCodes.InvalidPath or ErrorCodes.InvalidName or ErrorCodes.PathConflict => S3Exception.InvalidArgument(e.Message),
        ErrorCodes.CommitFinished => new S3Exception(405, "MethodNotAllowed", e.Message),
        ErrorCodes.Contention => new S3Exception(503, "SlowDown", e.Message),
        _ => new S3Exception(500, "InternalError", e.Message),
    };

    private static async Task WriteErrorAsync(HttpContext context, S3Exception error)
    {
        var response = context.Response;
        if (response.HasStarted)
        {
            context.Abort(); // the client sees a cut-short body, never a complete-looking wrong one
            return;
        }

        response.Clear();
        response.StatusCode = error.Status;
        response.Headers["x-amz-request-id"] = context.TraceIdentifier;
        if (HttpMethods.IsHead(context.Request.Method))
        {
            return; // HEAD answers carry no body; the status says it
        }

        await S3Xml.WriteAsync(context, "Error", null, w =>
        {
            w.WriteElementString("Code", error.Code);
            w.WriteElementString("Message", error.Message);
            w.WriteElementString("Resource", context.Request.Path.Value);
            w.WriteElementString("RequestId", context.TraceIdentifier);
        }, error.Status);
    }
}

/// <summary>S3's XML answers, written with the S3 namespace.</summary>
internal static class S3Xml
{
    public const string Namespace = "http://s3.amazonaws.com/doc/2006-03-01/";

    public static async Task WriteAsync(HttpContext context, string root, string? ns, Action<XmlWriter> body, int status = (int)HttpStatusCode.OK)
    {
        using var buffer = new MemoryStream();
        using (var writer = XmlWriter.Create(buffer, new XmlWriterSettings { Encoding = new System.Text.UTF8Encoding(false), Async = false }))
        {
            writer.WriteStartDocument();
            writer.WriteStartElement(root, ns ?? "");
            body(writer);
            writer.WriteEndElement();
            writer.WriteEndDocument();
        }

        context.Response.StatusCode = status;
        context.Response.ContentType = "application/xml";
        context.Response.ContentLength = buffer.Length;
        await context.Response.Body.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), context.RequestAborted);
    }

    public static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
