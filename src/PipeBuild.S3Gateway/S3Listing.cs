using System.Runtime.CompilerServices;
using PipeBuild.Store;

namespace PipeBuild.S3Gateway;

/// <summary>One line of a listing: a file (with its entry) or a common prefix (no entry).</summary>
internal readonly record struct S3ListItem(string Key, TreeEntry? File);

/// <summary>
/// A commit's files as S3 keys in S3's order (byte order of the whole key, so "a-c" comes before "a/b", unlike a
/// tree walk), from a prefix, after a key, with keys rolled up at a delimiter. Folders outside the prefix or wholly
/// before the start are not read, and with the delimiter "/" a folder that rolls up is one item, not read either.
/// </summary>
internal static class S3Listing
{
    public static async IAsyncEnumerable<S3ListItem> ListAsync(
        ContentStore content, CommitInfo? commit, string prefix, string? delimiter, string after, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (commit is null)
        {
            yield break;
        }

        string? last = null;
        await foreach (var item in WalkAsync(content, "", commit.Tree, prefix, delimiter, after, cancellationToken))
        {
            var rolled = RollUp(item, prefix, delimiter);
            if (rolled.Key != last && string.CompareOrdinal(rolled.Key, after) > 0)
            {
                last = rolled.Key;
                yield return rolled;
            }
        }
    }

    private static S3ListItem RollUp(S3ListItem item, string prefix, string? delimiter)
    {
        var at = string.IsNullOrEmpty(delimiter) ? -1 : item.Key.IndexOf(delimiter, prefix.Length, StringComparison.Ordinal);
        return at < 0 ? item : new S3ListItem(item.Key[..(at + delimiter!.Length)], null);
    }

    private static async IAsyncEnumerable<S3ListItem> WalkAsync(
        ContentStore content, string folder, string tree, string prefix, string? delimiter, string after, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var entries = await content.ReadTreeAsync(tree, cancellationToken);
        foreach (var entry in entries.OrderBy(e => e.IsDirectory ? e.Name + "/" : e.Name, StringComparer.Ordinal))
        {
            var key = folder + entry.Name;
            if (!entry.IsDirectory)
            {
                if (key.StartsWith(prefix, StringComparison.Ordinal))
                {
                    yield return new S3ListItem(key, entry);
                }

                continue;
            }

            var below = key + "/";
            var inPrefix = below.StartsWith(prefix, StringComparison.Ordinal);
            var whollyBefore = string.CompareOrdinal(after, below) > 0 && !after.StartsWith(below, StringComparison.Ordinal);
            if ((!inPrefix && !prefix.StartsWith(below, StringComparison.Ordinal)) || whollyBefore)
            {
                continue;
            }

            var at = inPrefix && !string.IsNullOrEmpty(delimiter) ? below.IndexOf(delimiter, prefix.Length, StringComparison.Ordinal) : -1;
            if (at >= 0 && at + delimiter!.Length <= below.Length)
            {
                yield return new S3ListItem(below[..(at + delimiter.Length)], null); // everything below rolls up to it
                continue;
            }

            await foreach (var item in WalkAsync(content, below, entry.Hash, prefix, delimiter, after, cancellationToken))
            {
                yield return item;
            }
        }
    }
}
