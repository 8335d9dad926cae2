using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace PipeBuild.Engine;

/// <summary>What an executor keeps for one of its workers between datums: at least its sandbox.</summary>
public interface IWorkerSlot : IAsyncDisposable
{
    SandboxSlot Sandbox { get; }
}

/// <summary>
/// An executor's workers: each concurrent datum takes a slot, and gives it back emptied for the next datum of the
/// same job. Slot folders are made beside the datum's scratch folder (in the job's scratch folder), so a slot serves
/// one job; a free slot of an earlier job (an executor serving job after job) is disposed when next met. Every
/// slot ends with the pool.
/// </summary>
/// <param name="create">makes a slot whose folder is the given path</param>
public sealed class SlotPool<TSlot>(Func<string, TSlot> create) : IAsyncDisposable
    where TSlot : class, IWorkerSlot
{
    private readonly ConcurrentBag<TSlot> free = [];
    private readonly ConcurrentDictionary<TSlot, bool> slots = new();
    private readonly string prefix = "slot-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4)) + "-";
    private int made;

    /// <summary>A free slot of <paramref name="work"/>'s job, or a new one.</summary>
    public async Task<TSlot> TakeAsync(DatumWork work)
    {
        var parent = Path.GetDirectoryName(Path.GetFullPath(work.Scratch))!;
        while (free.TryTake(out var slot))
        {
            if (Path.GetDirectoryName(slot.Sandbox.Folder) == parent)
            {
                return slot;
            }

            await DropAsync(slot);
        }

        var made = create(Path.Combine(parent, prefix + Interlocked.Increment(ref this.made)));
        slots[made] = true;
        return made;
    }

    /// <summary>Empties the slot for its next datum; a slot that cannot be emptied is dropped.</summary>
    public async Task ReturnAsync(TSlot slot)
    {
        try
        {
            slot.Sandbox.Clear();
            free.Add(slot);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await DropAsync(slot);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var slot in slots.Keys)
        {
            await slot.DisposeAsync();
        }

        slots.Clear();
        free.Clear();
    }

    private async Task DropAsync(TSlot slot)
    {
        slots.TryRemove(slot, out _);
        await slot.DisposeAsync();
    }
}
