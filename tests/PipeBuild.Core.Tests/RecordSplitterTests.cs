using System.Text;
using PipeBuild.Core;

namespace PipeBuild.Core.Tests;

public sealed class RecordSplitterTests
{
    [Fact]
    public void LinesOnePerPiece()
    {
        var pieces = Split("a\nbb\nccc\n", SplitFormat.Line);

        Assert.Equal(["a\n", "bb\n", "ccc\n"], pieces);
    }

    [Fact]
    public void LinesTwoPerPiece()
    {
        var pieces = Split("1\n2\n3\n4\n5\n", SplitFormat.Line, recordsPerPiece: 2);

        Assert.Equal(["1\n2\n", "3\n4\n", "5\n"], pieces);
    }

    [Fact]
    public void TheLastLineNeedsNoNewline()
    {
        var pieces = Split("first\nsecond\nlast", SplitFormat.Line);

        Assert.Equal(["first\n", "second\n", "last"], pieces);
    }

    [Fact]
    public void EmptyLinesAreRecordsAndNothingIsLost()
    {
        const string text = "a\n\n\nb\r\n";

        var pieces = Split(text, SplitFormat.Line);

        Assert.Equal(["a\n", "\n", "\n", "b\r\n"], pieces);
        Assert.Equal(text, string.Concat(pieces));
    }

    [Fact]
    public void EmptyContentHasNoPieces()
    {
        Assert.Empty(Split("", SplitFormat.Line));
        Assert.Empty(Split("", SplitFormat.Json));
        Assert.Empty(Split("", SplitFormat.Csv));
    }

    [Fact]
    public void BytesPerPieceClosesAPieceEarly()
    {
        var pieces = Split("aaaa\nbbbb\ncccc\n", SplitFormat.Line, recordsPerPiece: 10, bytesPerPiece: 8);

        Assert.Equal(["aaaa\nbbbb\n", "cccc\n"], pieces);
    }

    [Fact]
    public void RecordsPerPieceMustBePositive()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => RecordSplitter.Split(Bytes("a\n"), SplitFormat.Line, recordsPerPiece: 0));
    }

    [Fact]
    public void JsonSequenceOfObjects()
    {
        var pieces = Split("{\"a\":1}\n{\"b\":{\"c\":[1,2]}}  {\"d\":\"}\"}", SplitFormat.Json);

        Assert.Equal(["{\"a\":1}\n", "{\"b\":{\"c\":[1,2]}}\n", "{\"d\":\"}\"}\n"], pieces);
    }

    [Fact]
    public void JsonValuesGroupedTwoPerPiece()
    {
        var pieces = Split("[1,2] \"text\" 3 {\"x\":null} true", SplitFormat.Json, recordsPerPiece: 2);

        Assert.Equal(["[1,2]\n\"text\"\n", "3\n{\"x\":null}\n", "true\n"], pieces);
    }

    [Theory]
    [InlineData("{\"a\":1} {\"b\":")]
    [InlineData("{\"a\":1} }")]
    [InlineData("{a:1}")]
    [InlineData("not json")]
    public void InvalidJsonFailsTheSplit(string text)
    {
        var error = Assert.Throws<PipeException>(() => RecordSplitter.Split(Bytes(text), SplitFormat.Json));

        Assert.Equal(ErrorCodes.SplitFailed, error.Code);
    }

    [Fact]
    public void CsvRowsMayHoldQuotedNewlines()
    {
        var pieces = Split("id,text\n1,\"two\nlines\"\n2,\"say \"\"hi\"\"\"\n3,plain", SplitFormat.Csv);

        Assert.Equal(["id,text\n", "1,\"two\nlines\"\n", "2,\"say \"\"hi\"\"\"\n", "3,plain"], pieces);
    }

    [Fact]
    public void CsvHeaderRecordsStartEveryPiece()
    {
        var pieces = Split("id,name\n1,a\n2,\"b\nb\"\n3,c\n", SplitFormat.Csv, recordsPerPiece: 2, headerRecords: 1);

        Assert.Equal(["id,name\n1,a\n2,\"b\nb\"\n", "id,name\n3,c\n"], pieces);
    }

    [Fact]
    public void CsvWithAnUnclosedQuoteFailsTheSplit()
    {
        var error = Assert.Throws<PipeException>(() => RecordSplitter.Split(Bytes("a,\"open\n1,2\n"), SplitFormat.Csv));

        Assert.Equal(ErrorCodes.SplitFailed, error.Code);
    }

    [Theory]
    [InlineData(0, "0000000000000000")]
    [InlineData(1, "0000000000000001")]
    [InlineData(255, "00000000000000ff")]
    [InlineData(long.MaxValue, "7fffffffffffffff")]
    public void PiecesAreNamedBySixteenHexDigits(long index, string name)
    {
        Assert.Equal(name, RecordSplitter.PieceName(index));
    }

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private static List<string> Split(string text, SplitFormat format, int recordsPerPiece = 1, long bytesPerPiece = 0, int headerRecords = 0) =>
        [.. RecordSplitter.Split(Bytes(text), format, recordsPerPiece, bytesPerPiece, headerRecords).Select(p => Encoding.UTF8.GetString(p))];
}
