using System.CommandLine;
using PipeBuild.Core;
using PipeBuild.S3Gateway;

namespace PipeBuild.Cli.Commands;

/// <summary><c>s3 serve</c>: the workspace's repos as S3 buckets, served until Ctrl+C or SIGTERM (docs/s3-gateway.md).</summary>
internal static class S3Commands
{
    public static Command Create() => Cli.Group("s3", "Serve the workspace's repos over S3's API (Pachyderm's S3 gateway).", Serve());

    private static Command Serve()
    {
        var urls = new Option<string[]>("--urls") { Description = $"Addresses to listen on, comma or space separated (default {S3GatewayOptions.DefaultUrl}; port 0 picks a free one). Any address but loopback needs keys.", Arity = ArgumentArity.OneOrMore, AllowMultipleArgumentsPerToken = true };
        var accessKey = new Option<string?>("--access-key") { Description = $"The access key clients sign with (default ${S3GatewayOptions.AccessKeyVariable}; none: anonymous, loopback only)." };
        var secretKey = new Option<string?>("--secret-key") { Description = $"The secret key clients sign with (default ${S3GatewayOptions.SecretKeyVariable})." };
        return Cli.Command("serve", "Serve the workspace's branches as S3 buckets (BRANCH.REPO, COMMIT.BRANCH.REPO for a fixed commit) until Ctrl+C: any S3 client reads files and each put or delete is a commit.", [urls, accessKey, secretKey], async (s, ct) =>
        {
            var options = new S3GatewayOptions
            {
                Urls = Cli.ListenUrls(s.Get(urls), S3GatewayOptions.DefaultUrl),
                AccessKey = s.Get(accessKey) ?? s.Console.Variable(S3GatewayOptions.AccessKeyVariable),
                SecretKey = s.Get(secretKey) ?? s.Console.Variable(S3GatewayOptions.SecretKeyVariable),
                UploadFolder = Path.Combine(s.Workspace.MetadataPath, "tmp", "s3-uploads"),
                Errors = s.Console.Error,
            };
            await using var server = await S3GatewayServer.StartAsync(s.Store, options, ct);
            s.Console.Out.WriteLine($"s3 gateway at {server.Addresses[0]}");
            s.Console.Error.WriteLine(string.IsNullOrEmpty(options.AccessKey) ? "anonymous access (loopback only); Ctrl+C to stop" : "requests must be signed with the access key; Ctrl+C to stop");
            await server.WaitAsync(ct);
            return ExitCodes.Ok;
        }, formatOption: false);
    }
}
