using System.Diagnostics;
using System.Security.Cryptography;
using PipeBuild.Core;

namespace PipeBuild.Store.S3;

/// <summary>
/// Mutual exclusion per key on a server without conditional writes: Lamport's bakery algorithm over lease
/// entries <c>leases/KEY/ENTRY</c>, one per writer, so that no two writers ever write the same object (servers
/// such as s3rver overwrite in place, and a read racing an overwrite can see anything). To take the lease:
/// <list type="number">
/// <item>write the own entry as "choosing"; list the key's entries and read them; write the own entry again with
/// a number one above the highest seen;</item>
/// <item>list and read the entries again until, in one pass, none is choosing and none has a lower (number, name):
/// then the lease is held. A waiting writer rewrites its entry so that it does not expire while it queues.</item>
/// </list>
/// The bakery algorithm is correct even when a read that overlaps a write returns garbage (here: retried until
/// the body matches its ETag). Entries of crashed writers expire (<see cref="S3LeaseTiming"/>); a holder therefore
/// starts its write only within <see cref="S3LeaseTiming.HoldLimit"/> of its entry's last write. docs/s3.md has more.
/// </summary>
internal sealed class S3Leases(S3ObjectStore store, S3LeaseTiming timing)
{
    public const string Prefix = "leases/";

    /// <summary>
    /// A permanent object in every queue: s3rver removes a folder that a delete leaves empty, and crashes when a
    /// PUT into that folder races the removal; a queue folder that is never empty avoids it.
    /// </summary>
    private const string Anchor = "anchor";

    private static readonly string Owner = $"{Environment.MachineName}/{Environment.ProcessId}";

    /// <summary>
    /// Takes the lease of <paramref name="key"/>, or returns null as soon as <paramref name="stillNeeded"/> says
    /// that waiting is pointless (another writer already changed what this one meant to check).
    /// </summary>
    public async Task<S3Lease?> AcquireAsync(string key, Func<CancellationToken, Task<bool>> stillNeeded, CancellationToken cancellationToken)
    {
        var queue = $"{Prefix}{key}/";
        var name = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
        var entry = queue + name;
        var observed = new Dictionary<string, Observed>(StringComparer.Ordinal);
        var started = Stopwatch.GetTimestamp();
        var held = false;
        try
        {
            await store.WriteLeaseAnchorAsync(queue + Anchor, cancellationToken);
            var writtenAt = await WriteEntryAsync(entry, choosing: true, 0, cancellationToken);
            var others = await ReadOthersAsync(queue, name, observed, cancellationToken);
            var number = 1 + others.Values.Select(o => o.Number).DefaultIfEmpty(0).Max();
            writtenAt = await WriteEntryAsync(entry, choosing: false, number, cancellationToken);
            for (var round = 0; ; round++)
            {
                others = await ReadOthersAsync(queue, name, observed, cancellationToken);
                if (!others.Any(o => o.Value.Choosing || (o.Value.Number, o.Key).CompareTo((number, name)) < 0))
                {
                    if (Stopwatch.GetElapsedTime(writtenAt) < timing.HoldLimit)
                    {
                        held = true;
                        return new S3Lease(store, entry, key, writtenAt, timing);
                    }

                    writtenAt = await WriteEntryAsync(entry, choosing: false, number, cancellationToken); // slow pass: renew, check again
                    continue;
                }

                if (Stopwatch.GetElapsedTime(started) > timing.AcquireTimeout)
                {
                    throw new PipeException(
                        ErrorCodes.LeaseTimeout,
                        $"waited {timing.AcquireTimeout.TotalSeconds:0} s for the lease of '{key}' in {store.Location}, which other writers kept holding. Try again; a lease left by a crashed writer expires after {(timing.TimeToLive + timing.ClockSkew).TotalSeconds:0} s.");
                }

                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(10, 30 + (10 * Math.Min(round, 10)))), cancellationToken);
                if (!await stillNeeded(cancellationToken))
                {
                    return null;
                }

                if (Stopwatch.GetElapsedTime(writtenAt) > timing.Refresh)
                {
                    writtenAt = await WriteEntryAsync(entry, choosing: false, number, cancellationToken);
                }
            }
        }
        finally
        {
            if (!held)
            {
                await store.ReleaseLeaseAsync(entry);
            }
        }
    }

    /// <summary>Writes the own entry; returns when the write started (the entry counts from then on).</summary>
    private async Task<long> WriteEntryAsync(string entry, bool choosing, long number, CancellationToken cancellationToken)
    {
        var at = Stopwatch.GetTimestamp();
        await store.WriteLeaseAsync(entry, new S3LeaseBody(choosing, number, Owner, DateTimeOffset.UtcNow + timing.TimeToLive), cancellationToken);
        return at;
    }

    /// <summary>
    /// The live entries of other writers; an entry unchanged for the time to live, or past its expiry, is dead.
    /// An entry is read again only when the listing shows a new ETag.
    /// </summary>
    private async Task<Dictionary<string, S3LeaseBody>> ReadOthersAsync(
        string queue, string own, Dictionary<string, Observed> observed, CancellationToken cancellationToken)
    {
        var live = new Dictionary<string, S3LeaseBody>(StringComparer.Ordinal);
        await foreach (var (key, listedETag) in store.ListWithETagsAsync(queue, cancellationToken))
        {
            var name = key[queue.Length..];
            if (name == own || name == Anchor)
            {
                continue;
            }

            var known = observed.TryGetValue(name, out var seen);
            if (!known || seen!.ETag != listedETag || seen.Torn)
            {
                if (await store.ReadLeaseAsync(key, cancellationToken) is not { } found)
                {
                    continue; // released meanwhile
                }

                // Unreadable (not written by PipeBuild) or torn: it counts as choosing, so it blocks until its owner
                // writes it again or it expires. A torn entry is read again on the next pass; it keeps the time it was
                // first seen as it is listed now, so that one left torn by a crashed writer expires too.
                var since = found.Torn && known && seen!.ETag == listedETag ? seen.Since : Stopwatch.GetTimestamp();
                seen = new Observed(found.Torn ? listedETag : found.ETag, since, found.Body ?? new S3LeaseBody(true, 0, "?", DateTimeOffset.MaxValue), found.Torn);
                observed[name] = seen;
            }

            var expired = Stopwatch.GetElapsedTime(seen.Since) > timing.TimeToLive
                || (seen.Body.Expires != DateTimeOffset.MaxValue && DateTimeOffset.UtcNow > seen.Body.Expires + timing.ClockSkew);
            if (!expired)
            {
                live[name] = seen.Body;
            }
        }

        return live;
    }

    private sealed record Observed(string ETag, long Since, S3LeaseBody Body, bool Torn = false);
}
