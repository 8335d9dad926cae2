using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using PipeBuild.Core;

namespace PipeBuild.Store.S3;

/// <summary>
/// Mutual exclusion per key on a server without conditional writes: Lamport's bakery algorithm over lease
/// entries under <c>leases/KEY/</c>, written only by their writer, so that no two writers ever write the same
/// object (servers such as s3rver overwrite in place, and a read racing an overwrite can see anything). A
/// writer's state is in its entries' names, so one listing shows the whole queue and no entry is ever read:
/// <c>c.NAME</c> while it chooses its number, <c>n.NUMBER.NAME</c> once it has one. To take the lease:
/// <list type="number">
/// <item>write <c>c.NAME</c>; list the queue; write <c>n.N.NAME</c> with N one above the highest number seen;
/// delete <c>c.NAME</c>;</item>
/// <item>list the queue until, in one listing, no other writer is choosing and none has a lower (number, name):
/// then the lease is held. A waiting writer rewrites its entry so that it does not expire while it queues, and
/// lists less often the more writers are ahead of it.</item>
/// </list>
/// Entries of crashed writers expire (<see cref="S3LeaseTiming"/>); a holder therefore starts its write only within
/// <see cref="S3LeaseTiming.HoldLimit"/> of its entry's last write. docs/s3.md has more.
/// </summary>
internal sealed class S3Leases(S3ObjectStore store, S3LeaseTiming timing)
{
    public const string Prefix = "leases/";

    /// <summary>
    /// A permanent object in every queue: s3rver removes a folder that a delete leaves empty, and crashes when a
    /// PUT into that folder races the removal; a queue folder that is never empty avoids it.
    /// </summary>
    private const string Anchor = "anchor";

    private const string Choosing = "c.";
    private const string Numbered = "n.";

    /// <summary>Entries are compared as (number, name); the number is written zero-padded so names sort as numbers do.</summary>
    private const string NumberFormat = "D12";

    public static string ChoosingEntry(string key, string name) => $"{Prefix}{key}/{Choosing}{name}";

    public static string NumberedEntry(string key, long number, string name) =>
        $"{Prefix}{key}/{Numbered}{number.ToString(NumberFormat, CultureInfo.InvariantCulture)}.{name}";

    /// <summary>
    /// Takes the lease of <paramref name="key"/>, or returns null as soon as <paramref name="stillNeeded"/> says
    /// that waiting is pointless (another writer already changed what this one meant to check).
    /// </summary>
    public async Task<S3Lease?> AcquireAsync(string key, Func<CancellationToken, Task<bool>> stillNeeded, CancellationToken cancellationToken)
    {
        var queue = $"{Prefix}{key}/";
        var name = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
        var choosing = ChoosingEntry(key, name);
        string? numbered = null;
        var observed = new Dictionary<string, Observed>(StringComparer.Ordinal);
        var started = Stopwatch.GetTimestamp();
        var held = false;
        try
        {
            await store.WriteLeaseAnchorAsync(queue + Anchor, cancellationToken);
            await store.WriteLeaseAsync(choosing, cancellationToken);
            var number = 1 + (await ReadQueueAsync(queue, name, observed, cancellationToken)).Select(w => w.Number).DefaultIfEmpty(0).Max();
            numbered = NumberedEntry(key, number, name);
            var writtenAt = await WriteEntryAsync(numbered, cancellationToken);
            await store.ReleaseLeaseAsync(choosing);
            for (var round = 0; ; round++)
            {
                var ahead = (await ReadQueueAsync(queue, name, observed, cancellationToken))
                    .Count(w => w.Choosing || (w.Number, w.Name).CompareTo((number, name)) < 0);
                if (ahead == 0)
                {
                    if (Stopwatch.GetElapsedTime(writtenAt) < timing.HoldLimit)
                    {
                        held = true;
                        return new S3Lease(store, numbered, key, writtenAt, timing);
                    }

                    writtenAt = await WriteEntryAsync(numbered, cancellationToken); // slow pass: renew, check again
                    continue;
                }

                if (Stopwatch.GetElapsedTime(started) > timing.AcquireTimeout)
                {
                    throw new PipeException(
                        ErrorCodes.LeaseTimeout,
                        $"waited {timing.AcquireTimeout.TotalSeconds:0} s for the lease of '{key}' in {store.Location}, which other writers kept holding. Try again; a lease left by a crashed writer expires after {(timing.TimeToLive + timing.ClockSkew).TotalSeconds:0} s.");
                }

                await Task.Delay(PollDelay(round, ahead), cancellationToken);
                if (!await stillNeeded(cancellationToken))
                {
                    return null;
                }

                if (Stopwatch.GetElapsedTime(writtenAt) > timing.Refresh)
                {
                    writtenAt = await WriteEntryAsync(numbered, cancellationToken);
                }
            }
        }
        finally
        {
            if (!held)
            {
                await store.ReleaseLeaseAsync(choosing);
                if (numbered is not null)
                {
                    await store.ReleaseLeaseAsync(numbered);
                }
            }
        }
    }

    /// <summary>
    /// How long a waiting writer sleeps before it lists the queue again: longer the more writers are ahead of it
    /// (each of them takes at least a few requests), so that a long queue does not load the server with listings
    /// that cannot succeed; never so long that the entry would expire between two passes.
    /// </summary>
    private TimeSpan PollDelay(int round, int ahead)
    {
        var ms = Random.Shared.Next(10, 30 + (10 * Math.Min(round, 10))) + (40 * (ahead - 1));
        return TimeSpan.FromMilliseconds(Math.Min(ms, timing.Refresh.TotalMilliseconds / 2));
    }

    /// <summary>Writes an own entry; returns when the write started (the entry counts from then on).</summary>
    private async Task<long> WriteEntryAsync(string entry, CancellationToken cancellationToken)
    {
        var at = Stopwatch.GetTimestamp();
        await store.WriteLeaseAsync(entry, cancellationToken);
        return at;
    }

    /// <summary>
    /// The live writers in the queue other than <paramref name="own"/>. An entry is dead once its last write is
    /// older than the time to live by the observer's clock (it has not changed since it was first seen that long
    /// ago), or by the server's clock with the clock skew allowed. A name this version does not write (an older
    /// tool's entry, or garbage) counts as choosing: it blocks until it expires, which is always safe.
    /// </summary>
    private async Task<List<Writer>> ReadQueueAsync(string queue, string own, Dictionary<string, Observed> observed, CancellationToken cancellationToken)
    {
        var live = new List<Writer>();
        var now = DateTimeOffset.UtcNow;
        await foreach (var (key, modified) in store.ListWithTimesAsync(queue, cancellationToken))
        {
            var entry = key[queue.Length..];
            if (entry == Anchor)
            {
                continue;
            }

            if (!observed.TryGetValue(entry, out var seen) || seen.Modified != modified)
            {
                observed[entry] = seen = new Observed(modified, Stopwatch.GetTimestamp());
            }

            if (Stopwatch.GetElapsedTime(seen.Since) > timing.TimeToLive || (modified is { } m && now > m + timing.TimeToLive + timing.ClockSkew))
            {
                continue;
            }

            var writer = Parse(entry);
            if (writer.Name != own)
            {
                live.Add(writer);
            }
        }

        return live;
    }

    private static Writer Parse(string entry)
    {
        if (entry.StartsWith(Choosing, StringComparison.Ordinal))
        {
            return new Writer(entry[Choosing.Length..], true, 0);
        }

        var parts = entry.Split('.');
        return parts is [_, var number, var name] && entry.StartsWith(Numbered, StringComparison.Ordinal)
            && long.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            ? new Writer(name, false, n)
            : new Writer(entry, true, 0);
    }

    private sealed record Writer(string Name, bool Choosing, long Number);

    private sealed record Observed(DateTimeOffset? Modified, long Since);
}
