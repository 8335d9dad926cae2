using System.Net;
using System.Text;
using Amazon.S3;
using Amazon.S3.Model;

namespace PipeBuild.S3Gateway.Tests;

/// <summary>The gateway through the AWS SDK for .NET: what an application using S3 sees of branches and commits.</summary>
public sealed class SdkTests
{
    private static readonly string[] AllKeys = ["a.txt", "dir-x.txt", "dir/b.txt", "dir/c.txt", "dir/sub/d.txt"];

    private static void Fill(TempWorkspace ws)
    {
        foreach (var key in AllKeys)
        {
            GatewaySession.Put(ws, $"images@master:{key}", $"content of {key}\n");
        }
    }

    [Fact]
    public async Task Branches_are_buckets_and_their_files_are_keys_in_S3_order()
    {
        await using var gateway = await GatewaySession.StartAsync(Fill);
        using var s3 = gateway.Client();

        var buckets = await s3.ListBucketsAsync();
        Assert.Equal(["master.images"], buckets.Buckets.Select(b => b.BucketName));

        var all = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = "master.images" });
        Assert.Equal(AllKeys, all.S3Objects.Select(o => o.Key)); // "dir-x.txt" before "dir/...": byte order of the keys
        Assert.Equal("content of a.txt\n".Length, all.S3Objects[0].Size);

        var top = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = "master.images", Delimiter = "/" });
        Assert.Equal(["a.txt", "dir-x.txt"], top.S3Objects.Select(o => o.Key));
        Assert.Equal(["dir/"], top.CommonPrefixes);

        var dir = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = "master.images", Prefix = "dir/", Delimiter = "/" });
        Assert.Equal(["dir/b.txt", "dir/c.txt"], dir.S3Objects.Select(o => o.Key));
        Assert.Equal(["dir/sub/"], dir.CommonPrefixes);

        var after = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = "master.images", StartAfter = "dir/b.txt" });
        Assert.Equal(["dir/c.txt", "dir/sub/d.txt"], after.S3Objects.Select(o => o.Key));

        var v1 = await s3.ListObjectsAsync(new ListObjectsRequest { BucketName = "master.images", Prefix = "dir/s" });
        Assert.Equal(["dir/sub/d.txt"], v1.S3Objects.Select(o => o.Key));
    }

    [Fact]
    public async Task A_listing_pages_with_continuation_tokens()
    {
        await using var gateway = await GatewaySession.StartAsync(Fill);
        using var s3 = gateway.Client();
        var keys = new List<string>();
        var pages = 0;
        string? token = null;
        do
        {
            var page = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = "master.images", MaxKeys = 2, ContinuationToken = token });
            Assert.True(page.KeyCount <= 2);
            keys.AddRange(page.S3Objects.Select(o => o.Key));
            token = page.IsTruncated == true ? page.NextContinuationToken : null;
            pages++;
        }
        while (token is not null);

        Assert.Equal(AllKeys, keys);
        Assert.Equal(3, pages);
    }

    [Fact]
    public async Task Get_head_and_a_ranged_get_read_the_branch_head()
    {
        await using var gateway = await GatewaySession.StartAsync(Fill);
        using var s3 = gateway.Client();

        using (var get = await s3.GetObjectAsync("master.images", "dir/b.txt"))
        {
            Assert.Equal("content of dir/b.txt\n", await new StreamReader(get.ResponseStream).ReadToEndAsync());
            Assert.Equal("content of dir/b.txt\n".Length, get.ContentLength);
            Assert.False(string.IsNullOrEmpty(get.ETag));
        }

        using (var range = await s3.GetObjectAsync(new GetObjectRequest { BucketName = "master.images", Key = "dir/b.txt", ByteRange = new ByteRange(8, 13) }))
        {
            Assert.Equal(HttpStatusCode.PartialContent, range.HttpStatusCode);
            Assert.Equal("of dir", await new StreamReader(range.ResponseStream).ReadToEndAsync());
            Assert.Equal("bytes 8-13/21", range.ContentRange);
        }

        var head = await s3.GetObjectMetadataAsync("master.images", "a.txt");
        Assert.Equal("content of a.txt\n".Length, head.ContentLength);
        Assert.True(head.LastModified > DateTime.UtcNow.AddHours(-1));
    }

    [Fact]
    public async Task A_put_is_a_commit_on_the_branch_and_a_delete_another()
    {
        await using var gateway = await GatewaySession.StartAsync(Fill);
        var ws = gateway.Ws;
        using var s3 = gateway.Client();
        var before = JsonOutput.Parse(ws.Run("commit", "list", "images@master", "--output", "json")).GetArrayLength();

        await s3.PutObjectAsync(new PutObjectRequest { BucketName = "master.images", Key = "new/x.txt", ContentBody = "written through S3\n" });

        Assert.Equal("written through S3\n", ws.Run("file", "get", "images@master:new/x.txt").ShouldSucceed().Stdout);
        Assert.Equal(before + 1, JsonOutput.Parse(ws.Run("commit", "list", "images@master", "--output", "json")).GetArrayLength());

        await s3.DeleteObjectAsync("master.images", "a.txt");
        Assert.DoesNotContain("a.txt", ws.Run("file", "list", "images@master").ShouldSucceed().Stdout);
        Assert.Equal(before + 2, JsonOutput.Parse(ws.Run("commit", "list", "images@master", "--output", "json")).GetArrayLength());

        var many = await s3.DeleteObjectsAsync(new DeleteObjectsRequest { BucketName = "master.images", Objects = [new KeyVersion { Key = "dir/b.txt" }, new KeyVersion { Key = "dir/c.txt" }] });
        Assert.Equal(2, many.DeletedObjects.Count);
        Assert.Equal(before + 3, JsonOutput.Parse(ws.Run("commit", "list", "images@master", "--output", "json")).GetArrayLength());
        var left = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = "master.images" });
        Assert.Equal(["dir-x.txt", "dir/sub/d.txt", "new/x.txt"], left.S3Objects.Select(o => o.Key));
    }

    [Fact]
    public async Task A_multipart_upload_is_one_commit_at_completion_and_an_aborted_one_none()
    {
        await using var gateway = await GatewaySession.StartAsync(Fill);
        var ws = gateway.Ws;
        using var s3 = gateway.Client();
        var before = JsonOutput.Parse(ws.Run("commit", "list", "images@master", "--output", "json")).GetArrayLength();
        var first = Encoding.UTF8.GetBytes(new string('a', 5 * 1024 * 1024));
        var second = Encoding.UTF8.GetBytes("and the rest\n");

        var upload = await s3.InitiateMultipartUploadAsync("master.images", "big/file.bin");
        var etags = new List<PartETag>();
        foreach (var (number, part) in new[] { (1, first), (2, second) })
        {
            var response = await s3.UploadPartAsync(new UploadPartRequest { BucketName = "master.images", Key = "big/file.bin", UploadId = upload.UploadId, PartNumber = number, InputStream = new MemoryStream(part) });
            etags.Add(new PartETag(number, response.ETag));
        }

        Assert.Equal(before, JsonOutput.Parse(ws.Run("commit", "list", "images@master", "--output", "json")).GetArrayLength());
        await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest { BucketName = "master.images", Key = "big/file.bin", UploadId = upload.UploadId, PartETags = etags });

        Assert.Equal(before + 1, JsonOutput.Parse(ws.Run("commit", "list", "images@master", "--output", "json")).GetArrayLength());
        var got = ws.Run("file", "get", "images@master:big/file.bin").ShouldSucceed().Stdout;
        Assert.Equal(first.Length + second.Length, got.Length);
        Assert.EndsWith("aand the rest\n", got);

        var aborted = await s3.InitiateMultipartUploadAsync("master.images", "big/other.bin");
        await s3.UploadPartAsync(new UploadPartRequest { BucketName = "master.images", Key = "big/other.bin", UploadId = aborted.UploadId, PartNumber = 1, InputStream = new MemoryStream(second) });
        await s3.AbortMultipartUploadAsync("master.images", "big/other.bin", aborted.UploadId);
        Assert.Equal(before + 1, JsonOutput.Parse(ws.Run("commit", "list", "images@master", "--output", "json")).GetArrayLength());
        var gone = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest { BucketName = "master.images", Key = "big/other.bin", UploadId = aborted.UploadId, PartETags = [new PartETag(1, "x")] }));
        Assert.Equal("NoSuchUpload", gone.ErrorCode);
    }

    [Fact]
    public async Task A_commit_bucket_reads_that_commit_and_refuses_writes()
    {
        await using var gateway = await GatewaySession.StartAsync(Fill);
        var ws = gateway.Ws;
        var commit = JsonOutput.Column(ws.Run("commit", "list", "images@master", "--output", "json"), "id")[0];
        GatewaySession.Put(ws, "images@master:a.txt", "changed\n");
        using var s3 = gateway.Client();

        using (var old = await s3.GetObjectAsync($"{commit}.master.images", "a.txt"))
        {
            Assert.Equal("content of a.txt\n", await new StreamReader(old.ResponseStream).ReadToEndAsync());
        }

        var refused = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.PutObjectAsync(new PutObjectRequest { BucketName = $"{commit}.master.images", Key = "a.txt", ContentBody = "no" }));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, refused.StatusCode);
        Assert.Equal("MethodNotAllowed", refused.ErrorCode);
        Assert.Equal("changed\n", ws.Run("file", "get", "images@master:a.txt").ShouldSucceed().Stdout);
    }

    [Theory]
    [InlineData("master.nothere", "a.txt", "NoSuchBucket", HttpStatusCode.NotFound)]
    [InlineData("nobranch.images", "a.txt", "NoSuchBucket", HttpStatusCode.NotFound)]
    [InlineData("master.images", "missing.txt", "NoSuchKey", HttpStatusCode.NotFound)]
    [InlineData("master.images", "dir", "NoSuchKey", HttpStatusCode.NotFound)]
    [InlineData("images", "a.txt", "InvalidBucketName", HttpStatusCode.BadRequest)]
    [InlineData("zz.master.images", "a.txt", "InvalidBucketName", HttpStatusCode.BadRequest)]
    public async Task What_is_not_there_is_the_S3_error_a_client_expects(string bucket, string key, string code, HttpStatusCode status)
    {
        await using var gateway = await GatewaySession.StartAsync(Fill);
        using var s3 = gateway.Client();

        var error = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.GetObjectAsync(bucket, key));

        Assert.Equal(code, error.ErrorCode);
        Assert.Equal(status, error.StatusCode);
    }

    [Fact]
    public async Task A_range_past_the_end_is_invalid()
    {
        await using var gateway = await GatewaySession.StartAsync(Fill);
        using var s3 = gateway.Client();

        var error = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.GetObjectAsync(new GetObjectRequest { BucketName = "master.images", Key = "a.txt", ByteRange = new ByteRange(1000, 2000) }));

        Assert.Equal("InvalidRange", error.ErrorCode);
        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, error.StatusCode);
    }
}
