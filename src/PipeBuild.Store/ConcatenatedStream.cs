namespace PipeBuild.Store;

/// <summary>Reads several streams one after the other (used to append to stored content).</summary>
public sealed class ConcatenatedStream(params Stream[] parts) : ForwardReadStream
{
    private int index;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (index < parts.Length)
        {
            var read = await parts[index].ReadAsync(buffer, cancellationToken);
            if (read > 0)
            {
                return read;
            }

            index++;
        }

        return 0;
    }
}
