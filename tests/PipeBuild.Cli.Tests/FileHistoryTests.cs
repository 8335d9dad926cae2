namespace PipeBuild.Cli.Tests;

/// <summary><c>dotnet pipe file history</c> and <c>file list --history</c> (pachctl list file --history): a file's versions across commits.</summary>
public sealed class FileHistoryTests : IDisposable
{
    private readonly TempWorkspace ws = new();

    [Fact]
    public void History_lists_the_commits_that_changed_a_file_newest_first()
    {
        // pachctl list file repo@branch:/path --history all: one entry per commit where the file changed.
        ws.Run("repo", "create", "data").ShouldSucceed();
        var first = Put("a.txt", "one");
        Put("b.txt", "unrelated"); // a commit that leaves a.txt as it was
        var second = Put("a.txt", "two!");
        Put("a.txt", "two!"); // the same content again: no change

        var history = JsonOutput.Parse(ws.Run("file", "history", "data@master:/a.txt", "--output", "json")).EnumerateArray().ToList();

        Assert.Equal([second, first], history.Select(v => v.GetProperty("commit").GetString()));
        Assert.Equal([4L, 3L], history.Select(v => v.GetProperty("size").GetInt64()));
        var hashes = JsonOutput.Parse(ws.Run("file", "list", "data@master:/a.txt", "--output", "json"))[0].GetProperty("hash").GetString();
        Assert.Equal(hashes, history[0].GetProperty("hash").GetString());
        Assert.Equal("/a.txt", history[0].GetProperty("path").GetString());

        // --history N: the last N versions; from an older commit, the versions up to it.
        Assert.Equal([second], JsonOutput.Column(ws.Run("file", "history", "data@master:/a.txt", "--history", "1", "--output", "json"), "commit"));
        Assert.Equal([first], JsonOutput.Column(ws.Run("file", "history", "data@master^^:/a.txt", "--output", "json"), "commit"));

        // pachctl's own spelling: list file --history (-1 is all); the table has the commit, size and hash.
        var table = ws.Run("list", "file", "data@master:/a.txt", "--history", "-1").ShouldSucceed().Stdout;
        Assert.Contains("COMMIT", table);
        Assert.Contains(first, table);
        Assert.Contains(second, table);
        Assert.Contains("4 B", table);
        Assert.Equal(table, ws.Run("file", "list", "data@master:/a.txt", "--history", "all").ShouldSucceed().Stdout);
        Assert.DoesNotContain("COMMIT", ws.Run("file", "list", "data@master").ShouldSucceed().Stdout); // without --history: the listing
    }

    [Fact]
    public void A_missing_path_or_a_bad_history_value_is_an_error_that_changes_nothing()
    {
        ws.Run("repo", "create", "data").ShouldSucceed();
        Put("a.txt", "one");
        var before = ws.StoreFingerprint();

        Assert.Contains("'/nope.txt' not found", ws.Run("file", "history", "data@master:/nope.txt").ShouldFailWith("PIPE5011").Stderr);
        Assert.Contains("--history 'many'", ws.Run("file", "history", "data@master:/a.txt", "--history", "many").ShouldFailWith("PIPE1001").Stderr);
        Assert.Contains("--history '-2'", ws.Run("file", "list", "data@master:/a.txt", "--history", "-2").ShouldFailWith("PIPE1001").Stderr);
        Assert.Contains("--history 0", ws.Run("file", "history", "data@master:/a.txt", "--history", "0").ShouldFailWith("PIPE1001").Stderr);
        ws.Run("file", "history", "nope@master:/a.txt").ShouldFailWith("PIPE5001");
        Assert.Equal(before, ws.StoreFingerprint());
    }

    private string Put(string name, string content) =>
        JsonOutput.Parse(ws.Run("file", "put", $"data@master:/{name}", "-f", ws.Write($"in/{Guid.NewGuid():N}", content), "--output", "json")).GetProperty("commit").GetString()!;

    public void Dispose() => ws.Dispose();
}
