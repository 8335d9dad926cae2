namespace PipeBuild.Cli.Tests;

/// <summary>The data steps of seed 000 (Boston housing): put, replace with bad data, diff, roll back, put new data.</summary>
public sealed class HousingDataStepsTests : IDisposable
{
    private const string Good = "RM,LSTAT,PTRATIO,MEDV\n6.575,4.98,15.3,504000\n6.421,9.14,17.8,453600\n";
    private const string Bad = "RM,LSTAT,PTRATIO,MEDV\n6.575,4.98,15.3\n";
    private const string Newer = Good + "7.185,4.03,17.8,728700\n";
    private readonly TempWorkspace ws = new();

    [Fact]
    public void Put_replace_diff_rollback_and_put_again()
    {
        ws.Run("repo", "create", "csv_data").ShouldSucceed();
        ws.Run("file", "put", "csv_data@master:housing-simplified.csv", "-f", ws.Write("data/housing-simplified-1.csv", Good)).ShouldSucceed();
        var first = Head("csv_data");

        // put file replaces: a new commit whose file holds only the new content
        ws.Run("put", "file", "csv_data@master:housing-simplified.csv", "-f", ws.Write("data/housing-simplified-error.csv", Bad)).ShouldSucceed();
        Assert.Equal(Bad, ws.Run("file", "get", "csv_data@master:housing-simplified.csv").ShouldSucceed().Stdout);
        var second = Head("csv_data");
        Assert.NotEqual(first, second);

        // the changed lines, as pachctl's diff file shows them: master^ (the good data) is the old side
        Assert.Equal(
            """
            diff a/housing-simplified.csv b/housing-simplified.csv
            --- a/housing-simplified.csv
            +++ b/housing-simplified.csv
            @@ -1,3 +1,2 @@
             RM,LSTAT,PTRATIO,MEDV
            -6.575,4.98,15.3,504000
            -6.421,9.14,17.8,453600
            +6.575,4.98,15.3

            """.ReplaceLineEndings("\n"),
            ws.Run("diff", "file", "csv_data@master", "csv_data@master^").ShouldSucceed().Stdout);
        var stat = ws.Run("file", "diff", "csv_data@master", "csv_data@master^", "--stat").ShouldSucceed().Stdout;
        Assert.Matches(@"modified\s+/housing-simplified\.csv\s+68 B\s+38 B", stat);
        Assert.Equal("/housing-simplified.csv", ws.Run("file", "diff", "csv_data@master", "--name-only").ShouldSucceed().Stdout.Trim());

        // roll back: master points at its parent again, and reads give the good data
        ws.Run("create", "branch", "csv_data@master", "--head", "master^").ShouldSucceed();
        Assert.Equal(first, Head("csv_data"));
        Assert.Equal(Good, ws.Run("file", "get", "csv_data@master:/housing-simplified.csv").ShouldSucceed().Stdout);

        // the next put builds on the rolled-back head
        ws.Run("file", "put", "csv_data@master:housing-simplified.csv", "-f", ws.Write("data/housing-simplified-2.csv", Newer)).ShouldSucceed();
        var inspect = JsonOutput.Parse(ws.Run("commit", "inspect", "csv_data@master", "--output", "json"));
        Assert.Equal(first, inspect.GetProperty("parent").GetString());
        Assert.Equal(Newer.Length, inspect.GetProperty("size").GetInt64());
        Assert.Equal(Good, ws.Run("file", "get", "csv_data@master^:housing-simplified.csv").ShouldSucceed().Stdout);
        Assert.Equal(Newer, ws.Run("file", "get", "csv_data@master:housing-simplified.csv").ShouldSucceed().Stdout);

        // the replaced commit is still there by id, and the store is sound
        Assert.Equal(Bad, ws.Run("file", "get", $"csv_data@{second[..8]}:housing-simplified.csv").ShouldSucceed().Stdout);
        ws.Run("fsck").ShouldSucceed();
    }

    [Fact]
    public void Ancestry_references_select_older_commits()
    {
        ws.Run("repo", "create", "r").ShouldSucceed();
        for (var i = 1; i <= 4; i++)
        {
            ws.Run("file", "put", "r@master:v.txt", "-f", ws.Write($"v{i}.txt", $"v{i}")).ShouldSucceed();
        }

        Assert.Equal("v4", ws.Run("file", "get", "r@master:v.txt").Stdout);
        Assert.Equal("v3", ws.Run("file", "get", "r@master^:v.txt").Stdout);
        Assert.Equal("v2", ws.Run("file", "get", "r@master^^:v.txt").Stdout);
        Assert.Equal("v1", ws.Run("file", "get", "r@master~3:v.txt").Stdout);
        Assert.Equal("v1", ws.Run("file", "get", "r@master.1:v.txt").Stdout);
        Assert.Equal("v2", ws.Run("file", "get", "r@master.2:v.txt").Stdout);
        ws.Run("file", "get", "r@master^9:v.txt").ShouldFailWith("PIPE5006");
        Assert.Equal(4, JsonOutput.Parse(ws.Run("commit", "list", "r@master", "--output", "json")).GetArrayLength());
    }

    public void Dispose() => ws.Dispose();

    private string Head(string repo) => JsonOutput.Parse(ws.Run("commit", "inspect", $"{repo}@master", "--output", "json")).GetProperty("id").GetString()!;
}
