using PipeBuild.Core;

namespace PipeBuild.Store;

/// <summary>
/// The version of a store's key layout and object formats (docs/store-format.md), kept in the document
/// <see cref="StoreKeys.Format"/>: written when a store is created, checked whenever one is opened, so two builds
/// of the tool never disagree silently about one store. A store from a newer tool is refused; an older one is
/// upgraded in place when it is opened, rewriting nothing but this document: a format 1 store's commits stay
/// unsealed, which <see cref="StoreFormatDocument.LegacyCommits"/> records for fsck, and the commits a format 1 or 2
/// store holds stay whether or not a branch reaches them (<see cref="StoreFormatDocument.KeepCommitsBefore"/>), as
/// those tools did not record the commits a branch was moved off.
/// </summary>
public static class StoreFormat
{
    /// <summary>The format this build writes. Raise it (and describe the change in docs/store-format.md) with any change of a stored format.</summary>
    public const int Current = 3;

    /// <summary>Writes the current format into a new store, or checks an existing one's (see <see cref="CheckAsync"/>).</summary>
    public static Task InitializeAsync(IObjectStore objects, CancellationToken cancellationToken) => CheckAsync(objects, cancellationToken);

    /// <summary>The store's format, after checking that this build can read it and upgrading it to <see cref="Current"/> if it is older.</summary>
    /// <exception cref="PipeException"><see cref="ErrorCodes.StoreFormat"/>: the store is newer than this build, or its format document is damaged.</exception>
    public static async Task<StoreFormatDocument> CheckAsync(IObjectStore objects, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var document = await objects.ReadDocumentAsync(StoreKeys.Format, cancellationToken);
            StoreFormatDocument? stored = null;
            if (document is not null)
            {
                stored = Parse(document.Content);
                if (stored is not { Format: >= 1 })
                {
                    throw new PipeException(ErrorCodes.StoreFormat, $"{objects.Location}: the store's format document '{StoreKeys.Format}' is damaged; it should read {{\"format\":{Current}}}. Run 'dotnet pipe fsck'.");
                }

                if (stored.Format > Current)
                {
                    throw new PipeException(ErrorCodes.StoreFormat, $"{objects.Location}: the store has format {stored.Format}, written by a newer dotnet pipe; this one reads format {Current} and older. Update dotnet pipe ('dotnet tool update -g PipeBuild.Tool').");
                }

                if (stored.Format == Current)
                {
                    return stored;
                }
            }

            // A new store, one from before the format was recorded (format 1), or an older format: record the current
            // one. Commits made before format 2 have no seals; a store that may hold some says so.
            var older = stored is not null || await objects.ListAsync(StoreKeys.ReposPrefix, cancellationToken).AnyAsync(cancellationToken);
            var unsealed = stored is { Format: 2 } ? stored.LegacyCommits : older ? true : null;
            var upgraded = new StoreFormatDocument(Current, unsealed, older ? DateTimeOffset.UtcNow : null);
            if (await objects.TryWriteDocumentAsync(StoreKeys.Format, StoreJson.Serialize(upgraded), document?.Version, cancellationToken) is not null)
            {
                return upgraded;
            }

            // Another process wrote it meanwhile: read what it wrote.
        }

        throw new PipeException(ErrorCodes.Contention, $"{objects.Location}: the store's format document kept changing while it was being read; try again.");
    }

    /// <summary>Records that the store holds commits from before seals (a sync copied some from an upgraded store), so fsck accepts them.</summary>
    public static async Task AdmitLegacyCommitsAsync(IObjectStore objects, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var current = await CheckAsync(objects, cancellationToken);
            var document = await objects.ReadDocumentAsync(StoreKeys.Format, cancellationToken);
            if (current.LegacyCommits == true
                || await objects.TryWriteDocumentAsync(StoreKeys.Format, StoreJson.Serialize(current with { LegacyCommits = true }), document?.Version, cancellationToken) is not null)
            {
                return;
            }
        }

        throw new PipeException(ErrorCodes.Contention, $"{objects.Location}: the store's format document kept changing while it was being written; try again.");
    }

    private static StoreFormatDocument? Parse(byte[] content)
    {
        try
        {
            return StoreJson.Deserialize<StoreFormatDocument>(content, StoreKeys.Format);
        }
        catch (PipeException e) when (e.Code == ErrorCodes.Corrupt)
        {
            return null;
        }
    }
}

/// <summary>The content of <see cref="StoreKeys.Format"/>.</summary>
/// <param name="Format">The format version.</param>
/// <param name="LegacyCommits">True in a store upgraded from format 1: commits without a seal may be from before seals. Absent in a store created sealed, where every finished commit must carry one.</param>
/// <param name="KeepCommitsBefore">
/// When a store of format 1 or 2 was upgraded: gc keeps every commit document written before then, since those
/// tools did not record the commits a branch was moved off (<see cref="KeptCommitDocument"/>). Absent in a store
/// created at format 3 or later.
/// </param>
public sealed record StoreFormatDocument(int Format, bool? LegacyCommits = null, DateTimeOffset? KeepCommitsBefore = null);
