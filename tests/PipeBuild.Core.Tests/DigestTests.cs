using System.Text;

namespace PipeBuild.Core.Tests;

public sealed class DigestTests
{
    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("a million datums")]
    public void A_content_hash_reads_back_as_it_was_written(string text)
    {
        var hash = ContentHash.Of(Encoding.UTF8.GetBytes(text));

        var digest = Digest.Parse(hash);

        Assert.Equal(hash, digest.ToString());
        Assert.Equal(digest, Digest.Parse(hash));
        Assert.NotEqual(digest, Digest.Parse(ContentHash.Of(Encoding.UTF8.GetBytes(text + "!"))));
        Span<byte> bytes = stackalloc byte[Digest.Size];
        digest.Write(bytes);
        Assert.Equal(Convert.FromHexString(hash), bytes.ToArray());
        Assert.Equal(digest, Digest.Read(bytes));
    }

    [Theory]
    [InlineData("")]
    [InlineData("ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789")]
    [InlineData("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde")]
    [InlineData("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdefg")]
    public void Anything_but_64_lowercase_hex_characters_is_refused(string text)
    {
        Assert.Throws<FormatException>(() => Digest.Parse(text));
        Assert.False(Digest.TryParse(text, out _));
    }

    [Fact]
    public void Null_stays_null() => Assert.Null(Digest.ParseOrNull(null));
}
