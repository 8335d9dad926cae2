using System.Buffers;
using System.Security.Cryptography;

namespace PipeBuild.Core;

/// <summary>SHA-256 content hashes as 64 lowercase hex characters (SHA-NI accelerated by the runtime).</summary>
public static class ContentHash
{
    public const int HexLength = 64;

    private static readonly SearchValues<char> LowerHex = SearchValues.Create("0123456789abcdef");

    public static string Of(ReadOnlySpan<byte> data)
    {
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(data, digest);
        return Convert.ToHexStringLower(digest);
    }

    /// <summary>The hash of what <paramref name="data"/> holds from its position to its end, read a buffer at a time.</summary>
    public static async Task<string> OfAsync(Stream data, CancellationToken cancellationToken) =>
        Convert.ToHexStringLower(await SHA256.HashDataAsync(data, cancellationToken));

    /// <summary>Vectorized: a tree object of a million entries checks a million hashes.</summary>
    public static bool IsValid(ReadOnlySpan<char> value) =>
        value.Length == HexLength && !value.ContainsAnyExcept(LowerHex);
}
