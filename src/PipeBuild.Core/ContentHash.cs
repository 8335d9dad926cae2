using System.Security.Cryptography;

namespace PipeBuild.Core;

/// <summary>SHA-256 content hashes as 64 lowercase hex characters (SHA-NI accelerated by the runtime).</summary>
public static class ContentHash
{
    public const int HexLength = 64;

    public static string Of(ReadOnlySpan<byte> data)
    {
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(data, digest);
        return Convert.ToHexStringLower(digest);
    }

    public static bool IsValid(string value) =>
        value.Length == HexLength && value.All(c => c is (>= '0' and <= '9') or (>= 'a' and <= 'f'));
}
