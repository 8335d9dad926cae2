using PipeBuild.Core;

namespace PipeBuild.Store;

/// <summary>
/// Content-addressed objects on an <see cref="IObjectStore"/>: file content (whole or chunked), trees and
/// chunk lists. Every read is checked against its hash, so corruption surfaces as an error, never as data.
/// </summary>
public sealed class ContentStore(IObjectStore objects)
{
    private static readonly byte[] EmptyTreeBytes = ObjectCodec.EncodeTree([]);

    /// <summary>The hash of the tree with no entries (an empty commit's root).</summary>
    public static readonly string EmptyTree = ContentHash.Of(EmptyTreeBytes);

    public IObjectStore Objects => objects;

    /// <summary>Stores <paramref name="source"/> read to its end; large content is cut into content-defined chunks.</summary>
    public async Task<FileContent> WriteAsync(Stream source, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        var chunks = new List<FileContent>();
        await ContentDefinedChunker.ChunkAsync(
            source,
            async (chunk, ct) =>
            {
                chunks.Add(await PutAsync(chunk, ct));
                progress?.Report(chunk.Length);
            },
            cancellationToken);

        return chunks.Count switch
        {
            0 => await PutAsync(ReadOnlyMemory<byte>.Empty, cancellationToken),
            1 => chunks[0],
            _ => await PutChunkListAsync(chunks, cancellationToken),
        };
    }

    /// <summary>Stores <paramref name="existing"/> followed by <paramref name="addition"/>; unchanged chunks are not written again.</summary>
    public async Task<FileContent> AppendAsync(FileContent existing, Stream addition, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        await using var before = await OpenReadAsync(existing, cancellationToken);
        return await WriteAsync(new ConcatenatedStream(before, addition), progress, cancellationToken);
    }

    /// <summary>Stores content held in memory (split pieces, small files).</summary>
    public async Task<FileContent> WriteAsync(ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        if (content.Length <= ContentDefinedChunker.MinSize)
        {
            return await PutAsync(content, cancellationToken);
        }

        using var stream = new MemoryStream(content.ToArray(), writable: false);
        return await WriteAsync(stream, null, cancellationToken);
    }

    /// <summary>
    /// Stores content as one object whatever its size, for content referenced by its hash alone (a datum's log): the
    /// hash of a chunk list would not say that it is one, so a reader would print the list and gc would keep only it.
    /// </summary>
    public async Task<string> WriteObjectAsync(ReadOnlyMemory<byte> content, CancellationToken cancellationToken) =>
        (await PutAsync(content, cancellationToken)).Hash;

    /// <summary>
    /// <see cref="WriteObjectAsync(ReadOnlyMemory{byte}, CancellationToken)"/> from a seekable stream (a log written to a
    /// file as the datum ran): hashed in one pass and stored in a second, never whole in memory.
    /// </summary>
    public async Task<string> WriteObjectAsync(Stream content, CancellationToken cancellationToken)
    {
        content.Position = 0;
        var hash = await ContentHash.OfAsync(content, cancellationToken);
        content.Position = 0;
        await objects.PutIfAbsentAsync(StoreKeys.Object(hash), content, cancellationToken);
        return hash;
    }

    /// <summary>Whether content with this hash is stored completely (a chunk list is written after its chunks).</summary>
    public Task<bool> ContainsAsync(string hash, CancellationToken cancellationToken) =>
        objects.ExistsAsync(StoreKeys.Object(hash), cancellationToken);

    /// <summary>A stream of the content's bytes, read chunk by chunk.</summary>
    public async Task<Stream> OpenReadAsync(FileContent content, CancellationToken cancellationToken) =>
        new StoredContentStream(this, content.Kind == EntryKind.ChunkedFile ? await ReadChunkListAsync(content.Hash, cancellationToken) : [content]);

    /// <summary>Writes the content's bytes to <paramref name="destination"/>.</summary>
    public Task CopyToAsync(FileContent content, Stream destination, IProgress<long>? progress, CancellationToken cancellationToken) =>
        CopyToAsync(content, 0, long.MaxValue, destination, progress, cancellationToken);

    /// <summary>
    /// Writes up to <paramref name="length"/> bytes of the content from <paramref name="start"/> (a byte range) to
    /// <paramref name="destination"/>, one chunk in memory at a time; chunks before the range are not read.
    /// </summary>
    public async Task CopyToAsync(FileContent content, long start, long length, Stream destination, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        if (content.Kind == EntryKind.Directory)
        {
            throw new ArgumentException("a directory has no content", nameof(content));
        }

        // Only a chunk list records its chunks' sizes; a single object's size is taken from its bytes, since
        // callers holding just a hash pass no size.
        var listed = content.Kind == EntryKind.ChunkedFile;
        var chunks = listed ? await ReadChunkListAsync(content.Hash, cancellationToken) : [content];
        var end = length > long.MaxValue - start ? long.MaxValue : start + length;
        long offset = 0;
        foreach (var chunk in chunks)
        {
            if (offset >= end)
            {
                break;
            }

            if (listed && offset + chunk.Size <= start)
            {
                offset += chunk.Size;
                continue;
            }

            var data = await ReadVerifiedAsync(chunk.Hash, cancellationToken);
            var from = (int)Math.Clamp(start - offset, 0, data.Length);
            var to = (int)Math.Clamp(end - offset, from, data.Length);
            await destination.WriteAsync(data.AsMemory(from, to - from), cancellationToken);
            progress?.Report(to - from);
            offset += data.Length;
        }
    }

    public async Task<byte[]> ReadAllAsync(FileContent content, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await CopyToAsync(content, buffer, null, cancellationToken);
        return buffer.ToArray();
    }

    /// <summary>Every entry of a directory, in name order.</summary>
    public async Task<List<TreeEntry>> ReadTreeAsync(string hash, CancellationToken cancellationToken) =>
        await (await ReadListingAsync(hash, cancellationToken)).EntriesAsync(cancellationToken).ToListAsync(cancellationToken);

    /// <summary>A directory as a <see cref="TreeListing"/>: parts read and entries decoded when asked for.</summary>
    public async Task<TreeListing> ReadListingAsync(string hash, CancellationToken cancellationToken) =>
        TreeListing.Read(this, hash == EmptyTree ? [] : await ReadVerifiedAsync(hash, cancellationToken), hash);

    /// <summary>Stores a directory of <paramref name="entries"/> and returns its hash.</summary>
    public async Task<string> WriteTreeAsync(IEnumerable<TreeEntry> entries, CancellationToken cancellationToken) =>
        (await TreeListing.WriteAsync(this, null, entries.ToDictionary(e => e.Name, e => (TreeEntry?)e, StringComparer.Ordinal).OrderBy(e => e.Key, StringComparer.Ordinal).ToList(), cancellationToken)).Hash;

    /// <summary>Stores one encoded tree object (a directory, a part or an index: <see cref="TreeListing"/>) and returns its hash.</summary>
    public async Task<string> WriteTreeAsync(ReadOnlyMemory<byte> encoded, CancellationToken cancellationToken) =>
        (await PutAsync(encoded, cancellationToken)).Hash;

    public async Task<List<FileContent>> ReadChunkListAsync(string hash, CancellationToken cancellationToken) =>
        ObjectCodec.DecodeChunkList(await ReadVerifiedAsync(hash, cancellationToken), hash);

    /// <summary>Reads an object and checks that its bytes still hash to its name.</summary>
    public async Task<byte[]> ReadVerifiedAsync(string hash, CancellationToken cancellationToken)
    {
        var data = await objects.TryReadAsync(StoreKeys.Object(hash), cancellationToken);
        if (data is null && hash == EmptyTree)
        {
            return EmptyTreeBytes;
        }

        if (data is null)
        {
            throw MissingObject(hash);
        }

        return ContentHash.Of(data) == hash ? data : throw CorruptObject(hash);
    }

    /// <summary>
    /// One object as a stream checked against its hash as it is read (<see cref="VerifiedObjectStream"/>), for
    /// content referenced by its hash alone that may not fit in memory (a datum's log).
    /// </summary>
    public async Task<Stream> OpenObjectAsync(string hash, CancellationToken cancellationToken) =>
        await objects.TryOpenReadAsync(StoreKeys.Object(hash), cancellationToken) is { } stream
            ? new VerifiedObjectStream(stream, hash)
            : throw MissingObject(hash);

    /// <summary>Checks that an object is stored whole and hashes to its name, reading it a buffer at a time (any size).</summary>
    public async Task VerifyAsync(string hash, CancellationToken cancellationToken)
    {
        await using var stream = await OpenObjectAsync(hash, cancellationToken);
        await stream.CopyToAsync(Stream.Null, cancellationToken);
    }

    internal static PipeException CorruptObject(string hash) =>
        new(ErrorCodes.Corrupt, $"object {hash} is corrupt (its content does not match its hash); run 'dotnet pipe fsck'.", ExitCodes.InternalError);

    private static PipeException MissingObject(string hash) =>
        new(ErrorCodes.Corrupt, $"object {hash} is missing from the store; run 'dotnet pipe fsck'.", ExitCodes.InternalError);

    private async Task<FileContent> PutAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        var hash = ContentHash.Of(data.Span);
        await objects.PutIfAbsentAsync(StoreKeys.Object(hash), data, cancellationToken);
        return new FileContent(EntryKind.File, hash, data.Length);
    }

    private async Task<FileContent> PutChunkListAsync(List<FileContent> chunks, CancellationToken cancellationToken)
    {
        var list = await PutAsync(ObjectCodec.EncodeChunkList(chunks), cancellationToken);
        return new FileContent(EntryKind.ChunkedFile, list.Hash, chunks.Sum(c => c.Size));
    }
}
