using System.Net;
using System.Security.Cryptography;
using System.Text;
using Amazon.S3;
using Amazon.S3.Model;
using PipeBuild.Core;
using Xunit;

namespace PipeBuild.Store.S3.Tests;

/// <summary>What the S3 store adds to the conformance suite, on s3rver: the probe, leases, multipart, the cache.</summary>
public sealed class S3StoreTests : IDisposable
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly string temp = Directory.CreateTempSubdirectory("pipe-s3-").FullName;

    [SkippableFact]
    public async Task Server_ignores_conditional_writes_so_the_probe_chooses_leases_and_records_it()
    {
        S3TestServer.Require();
        var url = S3TestServer.NewUrl("probe");
        using var raw = RawClient();
        var key = url.KeyOf("premise");
        await raw.PutObjectAsync(new PutObjectRequest { BucketName = url.Bucket, Key = key, ContentBody = "first", UseChunkEncoding = false });

        // The premise: a second create-only PUT is not refused, so conditional writes alone would lose updates.
        var second = await raw.PutObjectAsync(new PutObjectRequest { BucketName = url.Bucket, Key = key, ContentBody = "second", IfNoneMatch = "*", UseChunkEncoding = false });
        Assert.Equal(HttpStatusCode.OK, second.HttpStatusCode);

        await using var store = new S3ObjectStore(S3TestServer.Options(url));
        Assert.Equal(S3WriteMode.Leases, await store.GetWriteModeAsync(None));
        var recorded = await store.TryReadAsync(S3StoreDescriptor.Key, None);
        Assert.Contains("\"writes\":\"Leases\"", Encoding.UTF8.GetString(recorded!));
        Assert.Empty(await ListAsync(store, "probe/")); // the probe cleaned up after itself
    }

    [SkippableFact]
    public async Task Trusting_the_ignored_conditions_would_lose_updates_and_the_lease_does_not()
    {
        S3TestServer.Require();
        var url = S3TestServer.NewUrl("control");
        using (var raw = RawClient())
        {
            // A store told (wrongly) that the server honours conditions: the control that shows the test can fail.
            var wrong = S3Json.Serialize(new S3StoreDescriptor(S3StoreDescriptor.CurrentFormat, S3WriteMode.ConditionalWrites, DateTimeOffset.UtcNow));
            await raw.PutObjectAsync(new PutObjectRequest { BucketName = url.Bucket, Key = url.KeyOf(S3StoreDescriptor.Key), InputStream = new MemoryStream(wrong), UseChunkEncoding = false });
        }

        await using (var trusting = new S3ObjectStore(S3TestServer.Options(url)))
        {
            Assert.NotNull(await trusting.TryWriteDocumentAsync("docs/branch", Bytes("v1"), null, None));
            var v1 = (await trusting.ReadDocumentAsync("docs/branch", None))!.Version;
            Assert.NotNull(await trusting.TryWriteDocumentAsync("docs/branch", Bytes("v2"), v1, None));
            Assert.NotNull(await trusting.TryWriteDocumentAsync("docs/branch", Bytes("stale"), v1, None)); // v2 lost
        }

        await using var leased = S3TestServer.NewStore("leased");
        Assert.NotNull(await leased.TryWriteDocumentAsync("docs/branch", Bytes("v1"), null, None));
        var version = (await leased.ReadDocumentAsync("docs/branch", None))!.Version;
        Assert.NotNull(await leased.TryWriteDocumentAsync("docs/branch", Bytes("v2"), version, None));
        Assert.Null(await leased.TryWriteDocumentAsync("docs/branch", Bytes("stale"), version, None));
        Assert.Null(await leased.TryWriteDocumentAsync("docs/branch", Bytes("again"), null, None));
        Assert.Equal("v2", Encoding.UTF8.GetString((await leased.ReadDocumentAsync("docs/branch", None))!.Content));
    }

    [SkippableTheory]
    [InlineData("n.000000000001.deadwriter")] // the holder's entry
    [InlineData("deadwriter")] // an entry as tools before the named-entry queue wrote it: it blocks like one choosing
    public async Task A_lease_left_by_a_crashed_writer_expires(string entry)
    {
        S3TestServer.Require();
        var options = S3TestServer.Options(S3TestServer.NewUrl("crashed")) with { Lease = new S3LeaseTiming(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30)) };
        await using var store = new S3ObjectStore(options);
        await store.GetWriteModeAsync(None);
        // The entry of a writer killed while it held the lease: it never comes back to remove it.
        await store.WriteLeaseAsync($"{S3Leases.Prefix}docs/x/{entry}", None);

        var started = DateTime.UtcNow;
        Assert.NotNull(await store.TryWriteDocumentAsync("docs/x", Bytes("after"), null, None));

        Assert.InRange(DateTime.UtcNow - started, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(20)); // it waited for the expiry
        Assert.Equal("after", Encoding.UTF8.GetString((await store.ReadDocumentAsync("docs/x", None))!.Content));
    }

    [SkippableFact]
    public async Task A_lease_entry_left_torn_by_a_writer_killed_mid_put_blocks_until_it_expires()
    {
        S3TestServer.Require();
        var url = S3TestServer.NewUrl("torn");

        // Long enough to outlast the ~3 s of killing the writer and checking the entry is torn.
        var options = S3TestServer.Options(url) with { Lease = new S3LeaseTiming(TimeSpan.FromSeconds(8), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60)) };
        await using var store = new S3ObjectStore(options);
        await store.GetWriteModeAsync(None);
        var entry = S3Leases.ChoosingEntry("docs/t", "killedwriter");
        await store.WriteLeaseAsync(entry, None);

        // The writer dies in the middle of rewriting its entry: s3rver keeps the half-written body and the old MD5,
        // so every read of the entry is torn until somebody writes it again, and nobody will. Queues are only
        // listed, never read: the entry counts by its name (choosing) until it expires.
        await PutAndDieMidBodyAsync($"/{url.Bucket}/{url.KeyOf(entry)}", new string('x', 400));
        using var raw = RawClient();
        Assert.True(await StaysTornAsync(raw, url.Bucket, url.KeyOf(entry)), "s3rver did not leave the entry torn");

        var started = DateTime.UtcNow;
        Assert.NotNull(await store.TryWriteDocumentAsync("docs/t", Bytes("after"), null, None));

        Assert.InRange(DateTime.UtcNow - started, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(20));
        Assert.Equal("after", Encoding.UTF8.GetString((await store.ReadDocumentAsync("docs/t", None))!.Content));
    }

    [SkippableFact]
    public async Task Large_objects_go_up_in_parts_and_are_invisible_until_complete()
    {
        S3TestServer.Require();
        var options = S3TestServer.Options(S3TestServer.NewUrl("multipart")) with { MultipartThreshold = 5 * 1024 * 1024, PartSize = 5 * 1024 * 1024 };
        await using var store = new S3ObjectStore(options);
        var data = RandomNumberGenerator.GetBytes(12 * 1024 * 1024);
        var key = StoreKeys.Object(ContentHash.Of(data));

        Assert.True(await store.PutIfAbsentAsync(key, data, None));
        Assert.Equal(data, await store.TryReadAsync(key, None));
        Assert.False(await store.PutIfAbsentAsync(key, data, None));

        // Cancelled half-way: the parts are abandoned and the object never appears.
        var other = RandomNumberGenerator.GetBytes(40 * 1024 * 1024);
        var otherKey = StoreKeys.Object(ContentHash.Of(other));
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(150));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.PutIfAbsentAsync(otherKey, other, cancel.Token));
        Assert.False(await store.ExistsAsync(otherKey, None));
    }

    [SkippableFact]
    public async Task Objects_read_once_are_read_again_from_the_bounded_local_cache()
    {
        S3TestServer.Require();
        var cache = Path.Combine(temp, "cache");
        var options = S3TestServer.Options(S3TestServer.NewUrl("cache")) with { CacheFolder = cache, CacheMaxBytes = 1024 * 1024 };
        await using var store = new S3ObjectStore(options);
        var blobs = Enumerable.Range(0, 12).Select(_ => RandomNumberGenerator.GetBytes(200 * 1024)).ToArray();
        foreach (var blob in blobs)
        {
            await store.PutIfAbsentAsync(StoreKeys.Object(ContentHash.Of(blob)), blob, None);
        }

        await store.TryWriteDocumentAsync("docs/d", Bytes("document"), null, None);
        var last = StoreKeys.Object(ContentHash.Of(blobs[^1]));
        foreach (var blob in blobs)
        {
            Assert.Equal(blob, await store.TryReadAsync(StoreKeys.Object(ContentHash.Of(blob)), None));
        }

        await store.ReadDocumentAsync("docs/d", None);
        await store.DeleteAsync(last, None); // gone from the server: a second read can only come from the cache

        Assert.Equal(blobs[^1], await store.TryReadAsync(last, None));
        var files = Directory.GetFiles(cache, "*", SearchOption.AllDirectories);
        Assert.InRange(files.Sum(f => new FileInfo(f).Length), 1, 1024 * 1024); // bounded
        Assert.All(files, f => Assert.Equal(Path.GetFileName(Path.GetDirectoryName(f)) + Path.GetFileName(f), ContentHash.Of(File.ReadAllBytes(f)))); // content-addressed, no documents
    }

    [SkippableFact]
    public async Task Bad_credentials_are_a_clear_error_without_the_secret()
    {
        S3TestServer.Require();
        const string secret = "wJalrXUtnFEMI-this-secret-must-not-leak";
        var options = S3TestServer.Options(S3TestServer.NewUrl("denied")) with { Credentials = new Amazon.Runtime.BasicAWSCredentials("AKIAWRONGKEY", secret), MaxRetries = 1 };
        await using var store = new S3ObjectStore(options);

        var error = await Assert.ThrowsAsync<PipeException>(() => store.TryWriteDocumentAsync("docs/x", Bytes("x"), null, None));

        Assert.Equal(ErrorCodes.S3AccessDenied, error.Code);
        Assert.DoesNotContain(secret, error.ToString());
    }

    public void Dispose() => Directory.Delete(temp, recursive: true);

    private static AmazonS3Client RawClient() =>
        new(S3TestServer.AccessKey, S3TestServer.SecretKey, new AmazonS3Config
        {
            ServiceURL = S3TestServer.Endpoint,
            ForcePathStyle = true,
            AuthenticationRegion = "us-east-1",
            RequestChecksumCalculation = Amazon.Runtime.RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = Amazon.Runtime.ResponseChecksumValidation.WHEN_REQUIRED,
        });

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>Sends a PUT that announces more bytes than it sends, then closes the connection, as a killed writer would.</summary>
    private static async Task PutAndDieMidBodyAsync(string path, string body)
    {
        var endpoint = new Uri(S3TestServer.Endpoint!);
        using (var tcp = new System.Net.Sockets.TcpClient())
        {
            await tcp.ConnectAsync(endpoint.Host, endpoint.Port);
            var stream = tcp.GetStream();
            await stream.WriteAsync(Bytes($"PUT {path} HTTP/1.1\r\nHost: {endpoint.Authority}\r\nContent-Length: {body.Length * 2}\r\n\r\n{body}"));
            await stream.FlushAsync();
            await Task.Delay(500); // the server has written what it got
        }

        await Task.Delay(500);
    }

    /// <summary>Whether the object's body no longer matches its ETag, read twice a second apart.</summary>
    private static async Task<bool> StaysTornAsync(AmazonS3Client raw, string bucket, string key)
    {
        for (var i = 0; i < 2; i++)
        {
            try
            {
                using var response = await raw.GetObjectAsync(bucket, key);
                using var body = new MemoryStream();
                await response.ResponseStream.CopyToAsync(body);
                if (string.Equals(response.ETag.Trim('"'), Convert.ToHexStringLower(MD5.HashData(body.ToArray())), StringComparison.OrdinalIgnoreCase))
                {
                    return false;
                }
            }
            catch (Amazon.Runtime.AmazonClientException e) when (e.Message.StartsWith("Expected hash not equal", StringComparison.Ordinal))
            {
                // the SDK's own MD5 check found it torn
            }

            await Task.Delay(1000);
        }

        return true;
    }

    private static async Task<List<string>> ListAsync(IObjectStore store, string prefix)
    {
        var keys = new List<string>();
        await foreach (var key in store.ListAsync(prefix, None))
        {
            keys.Add(key);
        }

        return keys;
    }
}
