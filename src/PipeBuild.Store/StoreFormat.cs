using System.Text.Json;
using PipeBuild.Core;

namespace PipeBuild.Store;

/// <summary>
/// The version of a store's key layout and object formats (docs/store-format.md), kept in the document
/// <see cref="StoreKeys.Format"/>: written when a store is created, checked whenever one is opened, so two builds
/// of the tool never disagree silently about one store. A store from a newer tool is refused; a store without the
/// document was written before it existed, in format 1, and gets it.
/// </summary>
public static class StoreFormat
{
    /// <summary>The format this build writes. Raise it (and describe the change in docs/store-format.md) with any change of a stored format.</summary>
    public const int Current = 1;

    /// <summary>Writes the current format into a new store, or checks an existing one's (see <see cref="CheckAsync"/>).</summary>
    public static Task InitializeAsync(IObjectStore objects, CancellationToken cancellationToken) => CheckAsync(objects, cancellationToken);

    /// <summary>The store's format, after checking that this build can read it; a store without one is given the current format.</summary>
    /// <exception cref="PipeException"><see cref="ErrorCodes.StoreFormat"/>: the store is newer than this build, or its format document is damaged.</exception>
    public static async Task<int> CheckAsync(IObjectStore objects, CancellationToken cancellationToken)
    {
        var document = await objects.ReadDocumentAsync(StoreKeys.Format, cancellationToken);
        if (document is null)
        {
            // Created before the format was recorded (those stores are format 1), or just now: record it. Losing the
            // race to another writer is fine: it wrote the same.
            await objects.TryWriteDocumentAsync(StoreKeys.Format, StoreJson.Serialize(new StoreFormatDocument(Current)), null, cancellationToken);
            return Current;
        }

        var format = Parse(document.Content);
        if (format is not { } version || version < 1)
        {
            throw new PipeException(ErrorCodes.StoreFormat, $"{objects.Location}: the store's format document '{StoreKeys.Format}' is damaged; it should read {{\"format\":{Current}}}. Run 'dotnet pipe fsck'.");
        }

        if (version > Current)
        {
            throw new PipeException(ErrorCodes.StoreFormat, $"{objects.Location}: the store has format {version}, written by a newer dotnet pipe; this one reads format {Current} and older. Update dotnet pipe ('dotnet tool update -g PipeBuild.Tool').");
        }

        return version;
    }

    private static int? Parse(byte[] content)
    {
        try
        {
            return StoreJson.Deserialize<StoreFormatDocument>(content, StoreKeys.Format).Format;
        }
        catch (PipeException e) when (e.Code == ErrorCodes.Corrupt)
        {
            return null;
        }
    }
}

/// <summary>The content of <see cref="StoreKeys.Format"/>.</summary>
public sealed record StoreFormatDocument(int Format);
