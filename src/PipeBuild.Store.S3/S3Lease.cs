using System.Diagnostics;
using PipeBuild.Core;

namespace PipeBuild.Store.S3;

/// <summary>
/// A held lease on one key (see <see cref="S3Leases"/>). The holder does its check-and-write through
/// <see cref="RunAsync"/>, which refuses to start once the lease is too old and bounds the write by what is left
/// of it; disposing releases the lease unless it may already have passed to another writer.
/// </summary>
internal sealed class S3Lease(S3ObjectStore store, string leaseKey, string key, long acquiredAt, S3LeaseTiming timing) : IAsyncDisposable
{
    private TimeSpan Held => Stopwatch.GetElapsedTime(acquiredAt);

    /// <summary>Runs <paramref name="write"/> while the lease is surely held; false when too little of it is left to start.</summary>
    public async Task<bool> RunAsync(Func<CancellationToken, Task> write, CancellationToken cancellationToken)
    {
        var remaining = timing.HoldLimit - Held;
        if (remaining <= TimeSpan.Zero)
        {
            return false;
        }

        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(remaining);
        try
        {
            await write(bounded.Token);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new PipeException(
                ErrorCodes.LeaseTimeout,
                $"writing '{key}' to {store.Location} took longer than its lease ({timing.HoldLimit.TotalSeconds:0} s), so whether it landed is unknown. Check that the server answers, then run the command again.");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Held < timing.HoldLimit)
        {
            await store.ReleaseLeaseAsync(leaseKey); // later than that, another writer may hold it now: let it expire instead
        }
    }
}
