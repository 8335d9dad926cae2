using Amazon.Runtime;
using PipeBuild.Testing;

namespace PipeBuild.Store.S3.Tests;

/// <summary>The s3rver that eng/setup/30-s3.sh starts (PIPE_TEST_S3_*), and fresh stores on it, one prefix per test.</summary>
internal static class S3TestServer
{
    public static string? Endpoint => Environment.GetEnvironmentVariable("PIPE_TEST_S3_ENDPOINT");

    public static string Bucket => Environment.GetEnvironmentVariable("PIPE_TEST_S3_BUCKET") ?? "pipebuild-tests";

    public static string AccessKey => Environment.GetEnvironmentVariable("PIPE_TEST_S3_ACCESS_KEY") ?? "S3RVER";

    public static string SecretKey => Environment.GetEnvironmentVariable("PIPE_TEST_S3_SECRET_KEY") ?? "S3RVER";

    /// <summary>The s3rver program, for tests that run (and kill) a server of their own.</summary>
    public static string? Program => Environment.GetEnvironmentVariable("PIPE_TEST_S3RVER");

    /// <summary>Skips the test (fails it in CI) unless an S3 server was set up.</summary>
    public static void Require() =>
        RequiredComponent.Require("an S3 server", Endpoint is null ? "PIPE_TEST_S3_ENDPOINT is not set" : null, "Run eng/test.sh, which starts s3rver (eng/setup/30-s3.sh).");

    /// <summary>A store URL no other test uses.</summary>
    public static S3StoreUrl NewUrl(string purpose) => new(Bucket, $"tests/{purpose}-{Guid.NewGuid():N}");

    public static S3StoreOptions Options(S3StoreUrl url, string? endpoint = null) => new(url)
    {
        Endpoint = new Uri(endpoint ?? Endpoint!),
        Credentials = new BasicAWSCredentials(AccessKey, SecretKey),
    };

    public static S3ObjectStore NewStore(string purpose) => new(Options(NewUrl(purpose)));

    /// <summary>What a <c>dotnet pipe</c> child process needs to reach the server through the AWS chain.</summary>
    public static CliWrap.Command WithS3(this CliWrap.Command command, string? endpoint = null, string? secretKey = null, string? accessKey = null) =>
        command.WithEnvironmentVariables(e => e
            .Set("PIPE_WORKSPACE", null)
            .Set("DOTNET_NOLOGO", "1")
            .Set("AWS_ACCESS_KEY_ID", accessKey ?? AccessKey)
            .Set("AWS_SECRET_ACCESS_KEY", secretKey ?? SecretKey)
            .Set("AWS_REGION", "us-east-1")
            .Set("AWS_ENDPOINT_URL_S3", endpoint ?? Endpoint));
}
