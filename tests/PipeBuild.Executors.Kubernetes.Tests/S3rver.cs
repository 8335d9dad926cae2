using Amazon.Runtime;
using PipeBuild.Store.S3;

namespace PipeBuild.Executors.Kubernetes.Tests;

/// <summary>
/// The s3rver that eng/setup/30-s3.sh starts (PIPE_TEST_S3_*): a fresh store prefix per test, and the AWS
/// variables through which <c>dotnet pipe</c> reaches it (what a worker pod gets from the store Secret).
/// </summary>
internal static class S3rver
{
    public static string? Endpoint => Environment.GetEnvironmentVariable("PIPE_TEST_S3_ENDPOINT");

    public static string Bucket => Environment.GetEnvironmentVariable("PIPE_TEST_S3_BUCKET") ?? "pipebuild-tests";

    /// <summary>The keys of the store Secret (docs/kubernetes.md), for s3rver.</summary>
    public static Dictionary<string, string> SecretData => new()
    {
        ["AWS_ACCESS_KEY_ID"] = Environment.GetEnvironmentVariable("PIPE_TEST_S3_ACCESS_KEY") ?? "S3RVER",
        ["AWS_SECRET_ACCESS_KEY"] = Environment.GetEnvironmentVariable("PIPE_TEST_S3_SECRET_KEY") ?? "S3RVER",
        ["AWS_REGION"] = "us-east-1",
        ["AWS_ENDPOINT_URL_S3"] = Endpoint!,
    };

    /// <summary>Skips the test (fails it in CI) unless an S3 server was set up.</summary>
    public static void Require() =>
        RequiredComponent.Require("an S3 server", Endpoint is null ? "PIPE_TEST_S3_ENDPOINT is not set" : null, "Run eng/test.sh, which starts s3rver (eng/setup/30-s3.sh).");

    /// <summary>A store location no other test uses.</summary>
    public static string NewStore(string purpose) => $"{S3StoreUrl.Scheme}{Bucket}/tests/k8s-{purpose}-{Guid.NewGuid():N}";

    /// <summary>The store at <paramref name="location"/> (made by <c>dotnet pipe init --store</c>), opened in this process.</summary>
    public static S3ObjectStore Open(string location) => new(new S3StoreOptions(S3StoreUrl.Parse(location))
    {
        Endpoint = new Uri(Endpoint!),
        Credentials = new BasicAWSCredentials(SecretData["AWS_ACCESS_KEY_ID"], SecretData["AWS_SECRET_ACCESS_KEY"]),
        Region = "us-east-1",
    });
}
