namespace PipeBuild.Store;

/// <summary>
/// The seam between PipeBuild's versioning logic and where bytes live (a local folder, an S3 bucket).
/// Keys are '/'-separated strings. Two kinds of entries share the key space:
/// <list type="bullet">
/// <item>write-once objects (content-addressed blobs, trees, finished commits): <see cref="PutIfAbsentAsync"/>
/// never replaces, and readers see either nothing or the whole object;</item>
/// <item>documents (branches, repos, open commits): small, replaced only by compare-and-swap on the version
/// returned when read, so concurrent writers never lose an update.</item>
/// </list>
/// The contract asks for nothing an object store lacks: no rename, no ordered listing, no multi-key atomicity.
/// </summary>
public interface IObjectStore : IAsyncDisposable
{
    /// <summary>Where the store is, for messages (never includes credentials).</summary>
    string Location { get; }

    Task<bool> ExistsAsync(string key, CancellationToken cancellationToken);

    /// <summary>The whole content of an object or document, or null when there is none.</summary>
    Task<byte[]?> TryReadAsync(string key, CancellationToken cancellationToken);

    /// <summary>Writes a write-once object unless it exists already; returns whether this call wrote it.</summary>
    Task<bool> PutIfAbsentAsync(string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken);

    /// <summary>
    /// <see cref="PutIfAbsentAsync(string, ReadOnlyMemory{byte}, CancellationToken)"/> for an object too large to hold
    /// in memory (a datum's log): <paramref name="content"/> is seekable and read from its position to its end, and a
    /// retried write may read it again from there.
    /// </summary>
    Task<bool> PutIfAbsentAsync(string key, Stream content, CancellationToken cancellationToken);

    /// <summary>An object's content as a stream, or null when there is none; for objects too large to hold in memory.</summary>
    Task<Stream?> TryOpenReadAsync(string key, CancellationToken cancellationToken);

    Task<StoredDocument?> ReadDocumentAsync(string key, CancellationToken cancellationToken);

    /// <summary>
    /// Writes a document if its current version is <paramref name="expectedVersion"/> (null: only if it does
    /// not exist). Returns the version written, for the writer's next compare-and-swap without reading the document
    /// back; null, changing nothing, when another writer got there first.
    /// </summary>
    Task<string?> TryWriteDocumentAsync(string key, ReadOnlyMemory<byte> content, string? expectedVersion, CancellationToken cancellationToken);

    /// <summary>Deletes a document if its current version is <paramref name="expectedVersion"/>.</summary>
    Task<bool> TryDeleteDocumentAsync(string key, string expectedVersion, CancellationToken cancellationToken);

    /// <summary>Every key that starts with <paramref name="prefix"/> (which ends with '/'), in no particular order.</summary>
    IAsyncEnumerable<string> ListAsync(string prefix, CancellationToken cancellationToken);

    /// <summary>When an entry was last written, or null when there is none (gc spares young objects).</summary>
    Task<DateTimeOffset?> GetLastModifiedAsync(string key, CancellationToken cancellationToken);

    /// <summary>Removes an entry whatever it holds (garbage collection and repo deletion only).</summary>
    Task DeleteAsync(string key, CancellationToken cancellationToken);

    /// <summary>Makes every write so far durable; called before a ref moves so it never points at lost data.</summary>
    Task FlushAsync(CancellationToken cancellationToken);
}
