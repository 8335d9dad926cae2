namespace PipeBuild.Cli.Tests;

/// <summary>The data steps of seed 004: parameter files split line by line into numbered files.</summary>
public sealed class HyperparameterDataStepsTests : IDisposable
{
    private readonly TempWorkspace ws = new();

    [Fact]
    public void Split_line_makes_one_file_per_line_named_by_index()
    {
        ws.Run("repo", "create", "parameters").ShouldSucceed();
        ws.Run("file", "put", "parameters@master:c_parameters.txt", "-f", ws.Write("c_parameters.txt", "0.1\n1\n10\n100\n"), "--split", "line").ShouldSucceed();
        ws.Run("put-file", "parameters", "master", "gamma_parameters.txt", "-f", ws.Write("gamma_parameters.txt", "0.01\n0.1\n"), "--split", "line").ShouldSucceed();

        var pieces = JsonOutput.Column(ws.Run("file", "list", "parameters@master:c_parameters.txt", "--output", "json"), "path");
        Assert.Equal(
            ["/c_parameters.txt/0000000000000000", "/c_parameters.txt/0000000000000001", "/c_parameters.txt/0000000000000002", "/c_parameters.txt/0000000000000003"],
            pieces);
        Assert.Equal("10\n", ws.Run("get-file", "parameters", "master", "c_parameters.txt/0000000000000002").ShouldSucceed().Stdout);
        Assert.Equal(2, JsonOutput.Column(ws.Run("list-file", "parameters", "master", "gamma_parameters.txt", "--output", "json"), "path").Length);
    }

    [Fact]
    public void Split_with_records_per_file_and_append_continues_numbering()
    {
        ws.Run("repo", "create", "p").ShouldSucceed();
        ws.Run("file", "put", "p@master:lines", "-f", ws.Write("l.txt", "a\nb\nc\n"), "--split", "line", "--target-file-datums", "2").ShouldSucceed();
        Assert.Equal("a\nb\n", ws.Run("file", "get", "p@master:lines/0000000000000000").Stdout);
        Assert.Equal("c\n", ws.Run("file", "get", "p@master:lines/0000000000000001").Stdout);

        ws.Run("file", "put", "p@master:lines", "-f", ws.Write("m.txt", "d\n"), "--split", "line", "--append").ShouldSucceed();
        Assert.Equal("d\n", ws.Run("file", "get", "p@master:lines/0000000000000002").Stdout);

        ws.Run("file", "put", "p@master:records", "-f", ws.Write("r.json", "{\"a\":1} {\"b\":[2,3]}"), "--split", "json").ShouldSucceed();
        Assert.Equal("{\"b\":[2,3]}\n", ws.Run("file", "get", "p@master:records/0000000000000001").Stdout);
    }

    public void Dispose() => ws.Dispose();
}
