using System.Runtime.InteropServices;

namespace PipeBuild.Core;

/// <summary>
/// A <see cref="ContentHash"/> held as its 32 bytes, for what is kept one per datum or per file (result keys, logs,
/// tree entries): 32 bytes instead of a 152-byte string, compared without allocating. A job of a million datums
/// must fit in 1 GiB (docs/benchmarks.md).
/// </summary>
[StructLayout(LayoutKind.Auto)]
public readonly record struct Digest(ulong A, ulong B, ulong C, ulong D)
{
    public const int Size = 32;

    /// <exception cref="FormatException"><paramref name="hash"/> is not 64 lowercase hex characters.</exception>
    public static Digest Parse(ReadOnlySpan<char> hash) =>
        TryParse(hash, out var digest) ? digest : throw new FormatException($"'{hash}' is not a content hash (64 lowercase hex characters).");

    /// <summary>False when <paramref name="hash"/> is not 64 lowercase hex characters.</summary>
    public static bool TryParse(ReadOnlySpan<char> hash, out Digest digest)
    {
        if (!ContentHash.IsValid(hash))
        {
            digest = default;
            return false;
        }

        Span<byte> bytes = stackalloc byte[Size];
        Convert.FromHexString(hash, bytes, out _, out _);
        digest = Read(bytes);
        return true;
    }

    /// <summary>Null for null, else <see cref="Parse"/>.</summary>
    public static Digest? ParseOrNull(string? hash) => hash is null ? null : Parse(hash);

    /// <summary>The digest whose bytes are <paramref name="bytes"/> (exactly <see cref="Size"/> of them).</summary>
    public static Digest Read(ReadOnlySpan<byte> bytes)
    {
        var words = MemoryMarshal.Cast<byte, ulong>(bytes[..Size]);
        return new Digest(words[0], words[1], words[2], words[3]);
    }

    public void Write(Span<byte> destination)
    {
        var words = MemoryMarshal.Cast<byte, ulong>(destination[..Size]);
        (words[0], words[1], words[2], words[3]) = (A, B, C, D);
    }

    /// <summary>The bytes of a SHA-256 are uniform already.</summary>
    public override int GetHashCode() => (int)A;

    /// <summary>The hash as <see cref="ContentHash"/> writes it.</summary>
    public override string ToString()
    {
        Span<byte> bytes = stackalloc byte[Size];
        Write(bytes);
        return Convert.ToHexStringLower(bytes);
    }
}
