using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using PipeBuild.Core;

namespace PipeBuild.S3Gateway.Tests;

/// <summary>Who the gateway serves: anyone on loopback without keys, only requests signed with its keys otherwise.</summary>
public sealed class AuthTests
{
    private const string Access = "pipe-access";
    private const string Secret = "pipe-secret-key";

    [Fact]
    public async Task With_keys_a_signed_request_is_served_and_a_wrong_secret_commits_nothing()
    {
        await using var gateway = await GatewaySession.StartAsync(ws => GatewaySession.Put(ws, "images@master:a.txt", "alpha\n"), Access, Secret);
        using var good = gateway.Client(Access, Secret);
        await good.PutObjectAsync(new PutObjectRequest { BucketName = "master.images", Key = "b.txt", ContentBody = "beta\n" });
        using (var get = await good.GetObjectAsync("master.images", "b.txt"))
        {
            Assert.Equal("beta\n", await new StreamReader(get.ResponseStream).ReadToEndAsync());
        }

        var fingerprint = gateway.Ws.StoreFingerprint();
        using var bad = gateway.Client(Access, "not-the-secret");
        var refused = await Assert.ThrowsAsync<AmazonS3Exception>(() => bad.PutObjectAsync(new PutObjectRequest { BucketName = "master.images", Key = "c.txt", ContentBody = "gamma\n" }));
        Assert.Equal("SignatureDoesNotMatch", refused.ErrorCode);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        var listing = await Assert.ThrowsAsync<AmazonS3Exception>(() => bad.ListObjectsV2Async(new ListObjectsV2Request { BucketName = "master.images" }));
        Assert.Equal("SignatureDoesNotMatch", listing.ErrorCode);
        using var stranger = gateway.Client("someone-else", Secret);
        Assert.Equal("InvalidAccessKeyId", (await Assert.ThrowsAsync<AmazonS3Exception>(() => stranger.ListBucketsAsync())).ErrorCode);
        Assert.Equal(fingerprint, gateway.Ws.StoreFingerprint());
        Assert.DoesNotContain("c.txt", gateway.Ws.Run("file", "list", "images@master").ShouldSucceed().Stdout);

        using var http = new HttpClient();
        var anonymous = await http.GetAsync($"{gateway.Endpoint}/master.images/a.txt");
        Assert.Equal(HttpStatusCode.Forbidden, anonymous.StatusCode);
        Assert.Contains("<Code>AccessDenied</Code>", await anonymous.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_presigned_url_reads_an_object_until_it_expires()
    {
        await using var gateway = await GatewaySession.StartAsync(ws => GatewaySession.Put(ws, "images@master:a.txt", "alpha\n"), Access, Secret);
        using var s3 = gateway.Client(Access, Secret);
        var url = await s3.GetPreSignedURLAsync(new GetPreSignedUrlRequest { BucketName = "master.images", Key = "a.txt", Expires = DateTime.UtcNow.AddMinutes(5), Protocol = Protocol.HTTP });
        using var http = new HttpClient();

        Assert.Equal("alpha\n", await http.GetStringAsync(url));
        Assert.Equal(HttpStatusCode.Forbidden, (await http.GetAsync(url.Replace("a.txt", "b.txt", StringComparison.Ordinal))).StatusCode);
    }

    [Fact]
    public async Task On_loopback_without_keys_anonymous_requests_are_served()
    {
        await using var gateway = await GatewaySession.StartAsync(ws => GatewaySession.Put(ws, "images@master:a.txt", "alpha\n"));
        using var http = new HttpClient();

        Assert.Equal("alpha\n", await http.GetStringAsync($"{gateway.Endpoint}/master.images/a.txt"));
        var put = await http.PutAsync($"{gateway.Endpoint}/master.images/b.txt", new StringContent("beta\n"));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal("beta\n", gateway.Ws.Run("file", "get", "images@master:b.txt").ShouldSucceed().Stdout);
    }

    [Fact]
    public async Task A_body_that_is_not_the_one_declared_commits_nothing()
    {
        await using var gateway = await GatewaySession.StartAsync(ws => GatewaySession.Put(ws, "images@master:a.txt", "alpha\n"));
        using var http = new HttpClient();
        using var put = new HttpRequestMessage(HttpMethod.Put, $"{gateway.Endpoint}/master.images/b.txt") { Content = new StringContent("not what was hashed\n") };
        put.Headers.Add("x-amz-content-sha256", Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("beta\n"u8)));

        var response = await http.SendAsync(put);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("<Code>XAmzContentSHA256Mismatch</Code>", await response.Content.ReadAsStringAsync());
        Assert.DoesNotContain("b.txt", gateway.Ws.Run("file", "list", "images@master").ShouldSucceed().Stdout);
        Assert.Equal(1, JsonOutput.Parse(gateway.Ws.Run("commit", "list", "images@master", "--output", "json")).GetArrayLength());
    }

    [Fact]
    public void Serving_beyond_loopback_without_keys_refuses_to_start()
    {
        using var ws = new TempWorkspace();

        var result = ws.Run("s3", "serve", "--urls", "http://0.0.0.0:0");

        result.ShouldFailWith(ErrorCodes.S3GatewayNeedsKeys);
        Assert.Contains("--access-key", result.Stderr);
        Assert.Equal("", result.Stdout);
    }
}
