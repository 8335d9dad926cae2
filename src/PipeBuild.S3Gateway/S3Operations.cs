using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using Microsoft.AspNetCore.Http;
using PipeBuild.Core;
using PipeBuild.Store;

namespace PipeBuild.S3Gateway;

/// <summary>
/// S3's operations over the store: buckets are branches (<c>BRANCH.REPO</c>) and commits (<c>COMMIT.BRANCH.REPO</c>),
/// keys are paths. Reads stream content a chunk at a time; every write is one commit through
/// <see cref="VersionStore.WriteAsync"/>, as <c>file put</c> and <c>file delete</c> make them (or goes into the
/// branch's open commit).
/// </summary>
internal sealed class S3Operations(VersionStore store, MultipartUploads uploads)
{
    private const int MaxKeys = 1000;

    public async Task HandleAsync(HttpContext context, SignedRequest? signed)
    {
        var request = context.Request;
        var path = Uri.UnescapeDataString(request.Path.Value ?? "/").TrimStart('/');
        var slash = path.IndexOf('/');
        var (bucketName, key) = slash < 0 ? (path, "") : (path[..slash], path[(slash + 1)..]);
        var method = request.Method;
        var query = request.Query;
        var ct = context.RequestAborted;
        if (bucketName.Length == 0)
        {
            await (HttpMethods.IsGet(method) ? ListBucketsAsync(context, ct) : throw MethodNotAllowed(method, "the service"));
            return;
        }

        var bucket = S3Bucket.Parse(bucketName);
        if (key.Length == 0)
        {
            await (method switch
            {
                _ when HttpMethods.IsGet(method) && query.ContainsKey("location") => S3Xml.WriteAsync(context, "LocationConstraint", S3Xml.Namespace, _ => { }),
                _ when HttpMethods.IsGet(method) && query.Keys.Any(k => k is "acl" or "policy" or "versioning" or "cors" or "tagging" or "lifecycle" or "uploads" or "versions") =>
                    throw S3Exception.NotImplemented($"GET ?{string.Join('&', query.Keys)} on a bucket"),
                _ when HttpMethods.IsGet(method) => ListObjectsAsync(context, bucket, query["list-type"] == "2", ct),
                _ when HttpMethods.IsHead(method) => ResolveAsync(bucket, ct),
                _ when HttpMethods.IsPost(method) && query.ContainsKey("delete") => DeleteObjectsAsync(context, bucket, signed, ct),
                _ when HttpMethods.IsPut(method) || HttpMethods.IsDelete(method) =>
                    throw S3Exception.NotImplemented($"{method} on a bucket (create or delete branches with 'dotnet pipe branch')"),
                _ => throw MethodNotAllowed(method, "a bucket"),
            });
            return;
        }

        await (method switch
        {
            _ when HttpMethods.IsGet(method) || HttpMethods.IsHead(method) => GetObjectAsync(context, bucket, key, ct),
            _ when HttpMethods.IsPut(method) && query.ContainsKey("partNumber") && query.ContainsKey("uploadId") => UploadPartAsync(context, bucket, key, signed, ct),
            _ when HttpMethods.IsPut(method) && request.Headers.ContainsKey("x-amz-copy-source") => throw S3Exception.NotImplemented("CopyObject"),
            _ when HttpMethods.IsPut(method) && query.Count == 0 => PutObjectAsync(context, bucket, key, signed, ct),
            _ when HttpMethods.IsPost(method) && query.ContainsKey("uploads") => CreateMultipartUploadAsync(context, bucket, key, ct),
            _ when HttpMethods.IsPost(method) && query.ContainsKey("uploadId") => CompleteMultipartUploadAsync(context, bucket, key, signed, ct),
            _ when HttpMethods.IsDelete(method) && query.ContainsKey("uploadId") => AbortMultipartUploadAsync(context, bucket, key),
            _ when HttpMethods.IsDelete(method) && query.Count == 0 => DeleteObjectAsync(context, bucket, key, ct),
            _ when HttpMethods.IsPut(method) || HttpMethods.IsGet(method) || HttpMethods.IsDelete(method) || HttpMethods.IsPost(method) =>
                throw S3Exception.NotImplemented($"{method} ?{string.Join('&', query.Keys)} on an object"),
            _ => throw MethodNotAllowed(method, "an object"),
        });
    }

    private async Task ListBucketsAsync(HttpContext context, CancellationToken ct)
    {
        var buckets = new List<(string Name, DateTimeOffset Created)>();
        foreach (var repo in await store.ListReposAsync(ct))
        {
            buckets.AddRange((await store.ListBranchesAsync(repo.Name, ct)).Select(b => ($"{b.Name}.{repo.Name}", repo.Created)));
        }

        await S3Xml.WriteAsync(context, "ListAllMyBucketsResult", S3Xml.Namespace, w =>
        {
            w.WriteStartElement("Owner");
            w.WriteElementString("ID", "pipebuild");
            w.WriteElementString("DisplayName", "pipebuild");
            w.WriteEndElement();
            w.WriteStartElement("Buckets");
            foreach (var (name, created) in buckets.OrderBy(b => b.Name, StringComparer.Ordinal))
            {
                w.WriteStartElement("Bucket");
                w.WriteElementString("Name", name);
                w.WriteElementString("CreationDate", S3Xml.Time(created));
                w.WriteEndElement();
            }

            w.WriteEndElement();
        });
    }

    /// <summary>ListObjectsV2 (<c>list-type=2</c>: continuation tokens, start-after) or ListObjects (markers).</summary>
    private async Task ListObjectsAsync(HttpContext context, S3Bucket bucket, bool v2, CancellationToken ct)
    {
        var query = context.Request.Query;
        var prefix = query["prefix"].ToString();
        var delimiter = query["delimiter"].ToString();
        var urlEncoded = query["encoding-type"] == "url";
        var maxKeys = MaxKeys;
        if (query.TryGetValue("max-keys", out var given) && (!int.TryParse(given, NumberStyles.None, CultureInfo.InvariantCulture, out maxKeys) || maxKeys < 0))
        {
            throw S3Exception.InvalidArgument("max-keys must be a non-negative integer.");
        }

        maxKeys = Math.Min(maxKeys, MaxKeys);
        var token = query["continuation-token"].ToString();
        var after = v2 ? (token.Length > 0 ? DecodeToken(token) : query["start-after"].ToString()) : query["marker"].ToString();
        var commit = await ResolveAsync(bucket, ct);
        var items = new List<S3ListItem>();
        var truncated = false;
        await foreach (var item in S3Listing.ListAsync(store.Content, commit, prefix, delimiter, after, ct))
        {
            if (items.Count == maxKeys)
            {
                truncated = maxKeys > 0; // max-keys=0 asks for no keys, and gives no token to go on from
                break;
            }

            items.Add(item);
        }

        string Out(string text) => urlEncoded ? SigV4.Encode(text, keepSlash: true) : text;
        var modified = commit is null ? default : commit.Finished ?? commit.Started;
        await S3Xml.WriteAsync(context, "ListBucketResult", S3Xml.Namespace, w =>
        {
            w.WriteElementString("Name", bucket.Name);
            w.WriteElementString("Prefix", Out(prefix));
            if (delimiter.Length > 0)
            {
                w.WriteElementString("Delimiter", Out(delimiter));
            }

            w.WriteElementString("MaxKeys", maxKeys.ToString(CultureInfo.InvariantCulture));
            if (urlEncoded)
            {
                w.WriteElementString("EncodingType", "url");
            }

            w.WriteElementString("IsTruncated", truncated ? "true" : "false");
            if (v2)
            {
                w.WriteElementString("KeyCount", items.Count.ToString(CultureInfo.InvariantCulture));
                if (token.Length > 0)
                {
                    w.WriteElementString("ContinuationToken", token);
                }

                if (query.ContainsKey("start-after"))
                {
                    w.WriteElementString("StartAfter", Out(query["start-after"].ToString()));
                }

                if (truncated)
                {
                    w.WriteElementString("NextContinuationToken", Convert.ToBase64String(Encoding.UTF8.GetBytes(items[^1].Key)));
                }
            }
            else
            {
                w.WriteElementString("Marker", Out(after));
                if (truncated)
                {
                    w.WriteElementString("NextMarker", Out(items[^1].Key));
                }
            }

            foreach (var item in items.Where(i => i.File is not null))
            {
                w.WriteStartElement("Contents");
                w.WriteElementString("Key", Out(item.Key));
                w.WriteElementString("LastModified", S3Xml.Time(modified));
                w.WriteElementString("ETag", ETag(item.File!));
                w.WriteElementString("Size", item.File!.Size.ToString(CultureInfo.InvariantCulture));
                w.WriteElementString("StorageClass", "STANDARD");
                w.WriteEndElement();
            }

            foreach (var item in items.Where(i => i.File is null))
            {
                w.WriteStartElement("CommonPrefixes");
                w.WriteElementString("Prefix", Out(item.Key));
                w.WriteEndElement();
            }
        });
    }

    /// <summary>GetObject and HeadObject: the whole file, or one byte range (206).</summary>
    private async Task GetObjectAsync(HttpContext context, S3Bucket bucket, string key, CancellationToken ct)
    {
        var commit = await ResolveAsync(bucket, ct);
        var path = KeyPath(key, forWrite: false);
        var entry = commit is null || path is null ? null : await store.GetEntryAsync(commit, path, ct);
        if (entry is null || entry.IsDirectory)
        {
            throw S3Exception.NoSuchKey(key);
        }

        var response = context.Response;
        var headers = response.Headers;
        headers.ETag = ETag(entry);
        headers.LastModified = (commit!.Finished ?? commit.Started).ToString("r", CultureInfo.InvariantCulture);
        headers.AcceptRanges = "bytes";
        headers["x-amz-meta-pipe-commit"] = commit.Id;
        response.ContentType = "application/octet-stream";
        var (start, length) = (0L, entry.Size);
        if (Range(context.Request.Headers.Range.ToString(), entry.Size) is { } range)
        {
            (start, length) = range;
            response.StatusCode = StatusCodes.Status206PartialContent;
            headers.ContentRange = $"bytes {start}-{start + length - 1}/{entry.Size}";
        }

        response.ContentLength = length;
        if (HttpMethods.IsHead(context.Request.Method))
        {
            return;
        }

        await store.Content.CopyToAsync(entry.Content, start, length, response.Body, null, ct);
    }

    /// <summary>A single <c>bytes=</c> range as (start, length), null for none or several; InvalidRange (416) past the end.</summary>
    private static (long Start, long Length)? Range(string header, long size)
    {
        if (!header.StartsWith("bytes=", StringComparison.Ordinal) || header.Contains(','))
        {
            return null;
        }

        var parts = header["bytes=".Length..].Split('-', 2);
        if (parts.Length != 2)
        {
            return null;
        }

        var hasFirst = long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var first);
        var hasLast = long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var last);
        if (!hasFirst && hasLast)
        {
            return last == 0 ? throw InvalidRange(size) : (Math.Max(0, size - last), Math.Min(last, size)); // the last N bytes
        }

        if (!hasFirst || (parts[1].Length > 0 && (!hasLast || last < first)))
        {
            return null; // not a range S3 honours: the whole object
        }

        if (first >= size)
        {
            throw InvalidRange(size);
        }

        var end = hasLast ? Math.Min(last, size - 1) : size - 1;
        return (first, end - first + 1);
    }

    private static S3Exception InvalidRange(long size) => new(416, "InvalidRange", $"The requested range is not satisfiable: the object has {size} bytes.");

    private async Task PutObjectAsync(HttpContext context, S3Bucket bucket, string key, SignedRequest? signed, CancellationToken ct)
    {
        var (reference, path) = await WritableAsync(bucket, key, ct);
        await using var body = RequestBody.Open(context.Request, signed);
        var content = await store.Content.WriteAsync(body, null, ct);
        await store.WriteAsync(reference, $"s3 put {key}", (editor, token) => editor.SetFileAsync(path, content, token), ct);
        context.Response.Headers.ETag = ETag(content.Digest);
    }

    private async Task DeleteObjectAsync(HttpContext context, S3Bucket bucket, string key, CancellationToken ct)
    {
        var (reference, path) = await WritableAsync(bucket, key, ct);
        await store.TryWriteAsync(reference, $"s3 delete {key}", (editor, token) => DeleteFileAsync(editor, path, token), ct);
        context.Response.StatusCode = StatusCodes.Status204NoContent; // S3 answers the same whether the key was there or not
    }

    /// <summary>DeleteObjects: every listed key in one commit (none when none of them exists).</summary>
    private async Task DeleteObjectsAsync(HttpContext context, S3Bucket bucket, SignedRequest? signed, CancellationToken ct)
    {
        var xml = Parse(await RequestBody.ReadSmallAsync(context.Request, signed, ct));
        var keys = xml.Root!.Elements().Where(e => e.Name.LocalName == "Object").Select(o => o.Elements().FirstOrDefault(e => e.Name.LocalName == "Key")?.Value ?? throw S3Exception.MalformedXml("An <Object> has no <Key>.")).ToList();
        var quiet = xml.Root.Elements().Any(e => e.Name.LocalName == "Quiet" && e.Value == "true");
        if (keys.Count > MaxKeys)
        {
            throw S3Exception.MalformedXml($"At most {MaxKeys} keys can be deleted at once.");
        }

        var reference = (await WritableAsync(bucket, null, ct)).Reference;
        var paths = keys.Select(k => KeyPath(k, forWrite: true)!).ToList();
        await store.TryWriteAsync(reference, $"s3 delete {keys.Count} key(s)", async (editor, token) =>
        {
            var any = false;
            foreach (var path in paths)
            {
                any |= await DeleteFileAsync(editor, path, token);
            }

            return any;
        }, ct);
        await S3Xml.WriteAsync(context, "DeleteResult", S3Xml.Namespace, w =>
        {
            foreach (var key in quiet ? [] : keys)
            {
                w.WriteStartElement("Deleted");
                w.WriteElementString("Key", key);
                w.WriteEndElement();
            }
        });
    }

    private async Task CreateMultipartUploadAsync(HttpContext context, S3Bucket bucket, string key, CancellationToken ct)
    {
        await WritableAsync(bucket, key, ct);
        var id = uploads.Create(bucket.Name, key);
        await S3Xml.WriteAsync(context, "InitiateMultipartUploadResult", S3Xml.Namespace, w =>
        {
            w.WriteElementString("Bucket", bucket.Name);
            w.WriteElementString("Key", key);
            w.WriteElementString("UploadId", id);
        });
    }

    private async Task UploadPartAsync(HttpContext context, S3Bucket bucket, string key, SignedRequest? signed, CancellationToken ct)
    {
        if (!int.TryParse(context.Request.Query["partNumber"], NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            throw S3Exception.InvalidArgument("partNumber must be an integer.");
        }

        await using var body = RequestBody.Open(context.Request, signed);
        var etag = await uploads.PutPartAsync(bucket.Name, key, context.Request.Query["uploadId"].ToString(), number, body, ct);
        context.Response.Headers.ETag = $"\"{etag}\"";
    }

    private async Task CompleteMultipartUploadAsync(HttpContext context, S3Bucket bucket, string key, SignedRequest? signed, CancellationToken ct)
    {
        var (reference, path) = await WritableAsync(bucket, key, ct);
        var id = context.Request.Query["uploadId"].ToString();
        var xml = Parse(await RequestBody.ReadSmallAsync(context.Request, signed, ct));
        var parts = xml.Root!.Elements().Where(e => e.Name.LocalName == "Part").Select(p =>
        {
            var number = p.Elements().FirstOrDefault(e => e.Name.LocalName == "PartNumber")?.Value;
            var etag = p.Elements().FirstOrDefault(e => e.Name.LocalName == "ETag")?.Value;
            return int.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && etag is not null
                ? (n, etag)
                : throw S3Exception.MalformedXml("Each <Part> needs a <PartNumber> and an <ETag>.");
        }).ToList();
        var content = await uploads.AssembleAsync(store.Content, bucket.Name, key, id, parts, ct);
        await store.WriteAsync(reference, $"s3 multipart put {key}", (editor, token) => editor.SetFileAsync(path, content, token), ct);
        uploads.Remove(bucket.Name, key, id);
        await S3Xml.WriteAsync(context, "CompleteMultipartUploadResult", S3Xml.Namespace, w =>
        {
            w.WriteElementString("Location", $"/{bucket.Name}/{key}");
            w.WriteElementString("Bucket", bucket.Name);
            w.WriteElementString("Key", key);
            w.WriteElementString("ETag", ETag(content.Digest));
        });
    }

    private Task AbortMultipartUploadAsync(HttpContext context, S3Bucket bucket, string key)
    {
        uploads.Remove(bucket.Name, key, context.Request.Query["uploadId"].ToString());
        context.Response.StatusCode = StatusCodes.Status204NoContent;
        return Task.CompletedTask;
    }

    /// <summary>The commit a bucket reads (null: a branch without commits yet); NoSuchBucket when it names none.</summary>
    private async Task<CommitInfo?> ResolveAsync(S3Bucket bucket, CancellationToken ct)
    {
        await store.GetRepoAsync(bucket.Repo, ct);
        var branch = await store.TryGetBranchAsync(bucket.Repo, bucket.Branch, ct) ?? throw S3Exception.NoSuchBucket(bucket.Name, $"repo '{bucket.Repo}' has no branch '{bucket.Branch}'");
        if (bucket.Commit is null)
        {
            return (branch.Open ?? branch.Head) is { } id ? await store.GetCommitAsync(bucket.Repo, id, ct) : null;
        }

        var commit = await store.ResolveAsync(new CommitRef(bucket.Repo, bucket.Commit, [], null), ct);
        return commit.Branch == bucket.Branch ? commit : throw S3Exception.NoSuchBucket(bucket.Name, $"commit {commit.Id} is on branch '{commit.Branch}'");
    }

    /// <summary>Where a write to the bucket goes: its branch (which must exist); a commit bucket is read-only.</summary>
    private async Task<(CommitRef Reference, string Path)> WritableAsync(S3Bucket bucket, string? key, CancellationToken ct)
    {
        await ResolveAsync(bucket, ct);
        if (bucket.IsReadOnly)
        {
            throw new S3Exception(405, "MethodNotAllowed", $"Bucket {bucket.Name} is a commit, and commits are read-only: write to {bucket.Branch}.{bucket.Repo}.");
        }

        return (new CommitRef(bucket.Repo, bucket.Branch, [], null), key is null ? "" : KeyPath(key, forWrite: true)!);
    }

    /// <summary>
    /// The repo path a key names. Keys are paths: no empty segments, no leading or trailing '/'; a key that is not
    /// one names nothing to read (null) and is refused for a write.
    /// </summary>
    private static string? KeyPath(string key, bool forWrite)
    {
        try
        {
            var path = RepoPath.Normalize(key);
            return path == key ? path : forWrite ? throw S3Exception.InvalidArgument($"Key '{key}' is not a file path: no leading or trailing '/', no empty segments.") : null;
        }
        catch (PipeException) when (!forWrite)
        {
            return null;
        }
    }

    private static async Task<bool> DeleteFileAsync(TreeEditor editor, string path, CancellationToken ct) =>
        await editor.GetAsync(path, ct) is { IsDirectory: false } && await editor.DeleteAsync(path, ct);

    private static XDocument Parse(byte[] body)
    {
        try
        {
            using var stream = new MemoryStream(body);
            return XDocument.Load(XmlReader.Create(stream, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null }));
        }
        catch (XmlException e)
        {
            throw S3Exception.MalformedXml($"The XML you provided was not well-formed: {e.Message}");
        }
    }

    private static string DecodeToken(string token)
    {
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(token));
        }
        catch (FormatException)
        {
            throw S3Exception.InvalidArgument("The continuation token provided is incorrect.");
        }
    }

    /// <summary>The content's hash: the same bytes have the same ETag, whichever commit or key holds them.</summary>
    private static string ETag(TreeEntry entry) => ETag(entry.Digest);

    private static string ETag(Digest digest) => $"\"{digest}-1\"";

    private static S3Exception MethodNotAllowed(string method, string what) =>
        new(405, "MethodNotAllowed", $"The specified method {method} is not allowed against {what}.");
}
