namespace PipeBuild.Cli.Tests;

/// <summary><c>dotnet pipe file copy</c> (pachctl copy file): a file or folder placed elsewhere as one commit, its stored content reused.</summary>
public sealed class FileCopyTests : IDisposable
{
    private readonly TempWorkspace ws = new();

    [Fact]
    public void Copy_a_file_within_a_repo_and_a_folder_to_another_repo_each_as_one_commit_reusing_the_content()
    {
        // pachctl copy file src-repo@branch:/path dst-repo@branch:/path
        ws.Run("repo", "create", "src").ShouldSucceed();
        ws.Run("repo", "create", "dst").ShouldSucceed();
        ws.Run("file", "put", "src@master:/data/", "-f", ws.Write("in/a.csv", "1,2\n"), "-f", ws.Write("in/b.csv", "3,4\n")).ShouldSucceed();
        ws.Run("file", "put", "src@master:/data/deep/c.csv", "-f", ws.Write("in/c.csv", "5,6\n")).ShouldSucceed();

        var copied = ws.Run("file", "copy", "src@master:/data/a.csv", "src@master:/backup/a.csv").ShouldSucceed();
        Assert.Contains("copied 1 file(s), 4 B, from src@", copied.Stdout);
        Assert.Equal("1,2\n", ws.Run("file", "get", "src@master:/backup/a.csv").ShouldSucceed().Stdout);
        Assert.Equal(Hash("src@master:/data/a.csv"), Hash("src@master:/backup/a.csv")); // the same stored object

        var folder = JsonOutput.Parse(ws.Run("copy", "file", "src@master.1:/data", "dst@master:/in", "--output", "json")); // pachctl's verb-noun order; the first commit
        Assert.Equal(2, folder.GetProperty("files").GetInt32());
        Assert.Equal(["a.csv", "b.csv"], JsonOutput.Column(ws.Run("file", "list", "dst@master:/in", "--output", "json"), "path").Select(p => p.Split('/')[^1]));
        Assert.Single(JsonOutput.Column(ws.Run("commit", "list", "dst", "--output", "json"), "id")); // one commit
        Assert.Equal(Hash("src@master:/data/b.csv"), Hash("dst@master:/in/b.csv"));

        ws.Run("file", "copy", "src@master:/data", "dst@master:/in").ShouldSucceed(); // a folder again: its new file joins
        Assert.Equal("5,6\n", ws.Run("file", "get", "dst@master:/in/deep/c.csv").ShouldSucceed().Stdout);
        Assert.Equal(2, JsonOutput.Column(ws.Run("commit", "list", "dst", "--output", "json"), "id").Length);
        ws.Run("fsck").ShouldSucceed();
    }

    [Fact]
    public void Bad_references_are_errors_that_store_nothing()
    {
        ws.Run("repo", "create", "src").ShouldSucceed();
        ws.Run("repo", "create", "dst").ShouldSucceed();
        ws.Run("file", "put", "src@master:/a.txt", "-f", ws.Write("a.txt", "a")).ShouldSucceed();
        ws.Run("file", "put", "dst@master:/dir/x.txt", "-f", ws.Write("x.txt", "x")).ShouldSucceed();
        var before = ws.StoreFingerprint();

        ws.Run("file", "copy", "nope@master:/a.txt", "dst@master:/a.txt").ShouldFailWith("PIPE5001");
        ws.Run("file", "copy", "src@master:/missing.txt", "dst@master:/a.txt").ShouldFailWith("PIPE5011");
        ws.Run("file", "copy", "src@nobranch:/a.txt", "dst@master:/a.txt").ShouldFailWith("PIPE5004");
        ws.Run("file", "copy", "src@master:/a.txt", "nope@master:/a.txt").ShouldFailWith("PIPE5001");
        ws.Run("file", "copy", "src@master:/a.txt", "dst@master^:/a.txt").ShouldFailWith("PIPE5008");
        ws.Run("file", "copy", "src@master:/a.txt", "dst@master:/dir").ShouldFailWith("PIPE5020"); // a folder is there
        ws.Run("file", "copy", "src@master:/a.txt", "dst@master").ShouldFailWith("PIPE5010"); // a file needs a name
        ws.Run("file", "copy", "src@master:/../a.txt", "dst@master:/a.txt").ShouldFailWith("PIPE5010");
        ws.Run("file", "copy", "src@@master", "dst@master:/a.txt").ShouldFailWith("PIPE1004");

        Assert.Equal(before, ws.StoreFingerprint());
    }

    private string Hash(string path) => JsonOutput.Parse(ws.Run("file", "list", path, "--output", "json"))[0].GetProperty("hash").GetString()!;

    public void Dispose() => ws.Dispose();
}
