using CliWrap;
using CliWrap.Buffered;

namespace PipeBuild.S3Gateway.Tests;

/// <summary>The gateway through the <c>aws</c> command line (botocore's signing, paging and multipart uploads), with keys.</summary>
public sealed class AwsCliTests
{
    private const string Access = "cli-access";
    private const string Secret = "cli-secret-key";

    [SkippableFact]
    public async Task The_aws_cli_lists_copies_in_and_out_and_removes()
    {
        var aws = AwsProgram();
        await using var gateway = await GatewaySession.StartAsync(
            ws =>
            {
                GatewaySession.Put(ws, "images@master:a.txt", "alpha\n");
                GatewaySession.Put(ws, "images@master:dir/b.txt", "beta\n");
                GatewaySession.Put(ws, "images@master:dir/sub/c.txt", "gamma\n");
            },
            Access,
            Secret);
        var ws = gateway.Ws;
        var config = ws.Write("aws-config", "[default]\nregion = us-east-1\ns3 =\n  addressing_style = path\n  multipart_threshold = 5MB\n  multipart_chunksize = 5MB\n");

        Command Aws(params string[] args) =>
            CliWrap.Cli.Wrap(aws).WithArguments(["--endpoint-url", gateway.Endpoint, .. args])
                .WithEnvironmentVariables(e => e
                    .Set("AWS_ACCESS_KEY_ID", Access).Set("AWS_SECRET_ACCESS_KEY", Secret).Set("AWS_CONFIG_FILE", config)
                    .Set("AWS_SHARED_CREDENTIALS_FILE", config + ".none").Set("AWS_PROFILE", null).Set("AWS_SESSION_TOKEN", null))
                .WithWorkingDirectory(ws.Root)
                .WithValidation(CommandResultValidation.None);

        async Task<string> Run(params string[] args)
        {
            var result = await Aws(args).ExecuteBufferedAsync();
            Assert.True(result.ExitCode == 0, $"aws {string.Join(' ', args)} exited {result.ExitCode}: {result.StandardError}");
            return result.StandardOutput;
        }

        Assert.Contains("master.images", await Run("s3api", "list-buckets", "--query", "Buckets[].Name", "--output", "text"));
        var top = await Run("s3", "ls", "s3://master.images/");
        Assert.Contains("PRE dir/", top);
        Assert.Contains("a.txt", top);
        var paged = await Run("s3api", "list-objects-v2", "--bucket", "master.images", "--page-size", "1", "--query", "Contents[].Key", "--output", "text");
        Assert.Equal(["a.txt", "dir/b.txt", "dir/sub/c.txt"], paged.Split(['\t', '\n'], StringSplitOptions.RemoveEmptyEntries));

        Assert.Equal("beta\n", await Run("s3", "cp", "s3://master.images/dir/b.txt", "-"));
        await Run("s3api", "get-object", "--bucket", "master.images", "--key", "a.txt", "--range", "bytes=1-3", Path.Combine(ws.Root, "range.out"));
        Assert.Equal("lph", File.ReadAllText(Path.Combine(ws.Root, "range.out")));

        var big = Path.Combine(ws.Root, "big.bin");
        var bytes = new byte[(12 * 1024 * 1024) + 5];
        new Random(7).NextBytes(bytes);
        File.WriteAllBytes(big, bytes); // over the multipart threshold: three parts
        await Run("s3", "cp", big, "s3://master.images/uploads/big.bin");
        ws.Run("file", "get", "images@master:uploads/big.bin", "-o", Path.Combine(ws.Root, "big.back")).ShouldSucceed();
        Assert.Equal(bytes, File.ReadAllBytes(Path.Combine(ws.Root, "big.back")));

        await Run("s3", "rm", "s3://master.images/a.txt");
        Assert.DoesNotContain("a.txt", ws.Run("file", "list", "images@master").ShouldSucceed().Stdout);
        var missing = await Aws("s3api", "head-bucket", "--bucket", "master.nothere").ExecuteBufferedAsync();
        Assert.NotEqual(0, missing.ExitCode);
        Assert.Contains("404", missing.StandardError);
    }

    /// <summary>The <c>aws</c> program on PATH; skips (in CI: fails) without it.</summary>
    private static string AwsProgram()
    {
        var found = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, "aws")).FirstOrDefault(File.Exists);
        RequiredComponent.Require("the aws command line", found is null ? "'aws' is not on PATH" : null, "run eng/test.sh, which installs Debian's awscli (eng/setup/30-s3.sh)");
        return found!;
    }
}
