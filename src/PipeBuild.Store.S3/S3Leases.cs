using System.Diagnostics;
using System.Security.Cryptography;
using PipeBuild.Core;

namespace PipeBuild.Store.S3;

/// <summary>
/// Mutual exclusion per key on a server that has no conditional writes, from plain reads and writes of a lease
/// object (Fischer's timed mutual exclusion; docs/s3.md has the argument). To take the lease of a key:
/// <list type="number">
/// <item>read the lease; while another writer's live lease is there, wait (an expired one counts as free);</item>
/// <item>write a lease with a fresh token; if the time from the read to the write's answer exceeded
/// <see cref="S3LeaseTiming.WriteWindow"/>, start over (the write may have landed too late to be safe);</item>
/// <item>wait <see cref="S3LeaseTiming.Settle"/> (longer than the window), then read the lease back: it is ours only
/// if it still holds our token.</item>
/// </list>
/// Any rival that read "free" wrote within the window of that read, so within the settle time of our write: its
/// write either came before ours (and ours replaced it, so it reads back ours and yields) or after (and we read
/// back its token and yield). Reads and writes are strongly consistent (S3, s3rver).
/// </summary>
internal sealed class S3Leases(S3ObjectStore store, S3LeaseTiming timing)
{
    public const string Prefix = "leases/";

    private static readonly string Owner = $"{Environment.MachineName}/{Environment.ProcessId}";

    /// <summary>
    /// Takes the lease of <paramref name="key"/>, or returns null as soon as <paramref name="stillNeeded"/> says
    /// that waiting is pointless (another writer already changed what this one meant to check).
    /// </summary>
    public async Task<S3Lease?> AcquireAsync(string key, Func<CancellationToken, Task<bool>> stillNeeded, CancellationToken cancellationToken)
    {
        var leaseKey = Prefix + key;
        var waitingSince = Stopwatch.GetTimestamp();
        var ownTokens = new HashSet<string>(StringComparer.Ordinal); // tokens of our attempts that gave up: never in use
        string? seenToken = null;
        var seenSince = 0L;
        for (var round = 0; ; round++)
        {
            if (round > 0)
            {
                if (Stopwatch.GetElapsedTime(waitingSince) > timing.AcquireTimeout)
                {
                    throw new PipeException(
                        ErrorCodes.LeaseTimeout,
                        $"waited {timing.AcquireTimeout.TotalSeconds:0} s for the lease of '{key}' in {store.Location}, which other writers kept holding. Try again; a lease left by a crashed writer expires after {(timing.TimeToLive + timing.ClockSkew).TotalSeconds:0} s.");
                }

                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(20, 60 + (20 * Math.Min(round, 10)))), cancellationToken);
                if (!await stillNeeded(cancellationToken))
                {
                    return null;
                }
            }

            var readAt = Stopwatch.GetTimestamp();
            var current = await store.ReadLeaseAsync(leaseKey, cancellationToken);
            if (current is not null && !ownTokens.Contains(current.Token))
            {
                if (current.Token != seenToken)
                {
                    (seenToken, seenSince) = (current.Token, readAt);
                }

                var expired = Stopwatch.GetElapsedTime(seenSince) > timing.TimeToLive || DateTimeOffset.UtcNow > current.Expires + timing.ClockSkew;
                if (!expired)
                {
                    continue;
                }
            }

            var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
            ownTokens.Add(token);
            await store.WriteLeaseAsync(leaseKey, new S3LeaseBody(token, Owner, DateTimeOffset.UtcNow + timing.TimeToLive), cancellationToken);
            if (Stopwatch.GetElapsedTime(readAt) > timing.WriteWindow)
            {
                continue; // too slow to prove that no rival wrote unseen: try again
            }

            await Task.Delay(timing.Settle, cancellationToken);
            if ((await store.ReadLeaseAsync(leaseKey, cancellationToken))?.Token == token)
            {
                return new S3Lease(store, leaseKey, key, readAt, timing);
            }
        }
    }
}
