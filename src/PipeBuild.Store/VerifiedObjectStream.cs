using System.Security.Cryptography;
using PipeBuild.Core;

namespace PipeBuild.Store;

/// <summary>
/// One stored object read as a stream and hashed as it goes: the read that reaches the end throws if the bytes do not
/// hash to the object's name, so damage surfaces as an error (after what was read) rather than passing as data.
/// </summary>
internal sealed class VerifiedObjectStream(Stream inner, string hash) : ForwardReadStream
{
    private readonly IncrementalHash sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private bool checkedAtEnd;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken);
        if (read > 0)
        {
            sha.AppendData(buffer.Span[..read]);
        }
        else if (buffer.Length > 0 && !checkedAtEnd)
        {
            checkedAtEnd = true;
            if (Convert.ToHexStringLower(sha.GetHashAndReset()) != hash)
            {
                throw ContentStore.CorruptObject(hash);
            }
        }

        return read;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
            sha.Dispose();
        }

        base.Dispose(disposing);
    }

}
