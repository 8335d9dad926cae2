namespace PipeBuild.Cli.Tests;

/// <summary>The data steps of seed 001 (iris): folder put with -r, and start/delete/put/finish of a commit in v1 syntax.</summary>
public sealed class IrisDataStepsTests : IDisposable
{
    private readonly TempWorkspace ws = new();

    [Fact]
    public void Recursive_folder_put_lands_every_file_at_its_relative_path()
    {
        ws.Write("attributes/1.csv", "5.1,3.5,1.4,0.2\n");
        ws.Write("attributes/2.csv", "6.2,2.9,4.3,1.3\n");
        ws.Write("attributes/nested/3.csv", "7.7,3.0,6.1,2.3\n");
        ws.Run("create-repo", "attributes").ShouldSucceed();
        ws.Run("put-file", "attributes", "master", "-c", "-r", "-f", Path.Combine(ws.Root, "attributes")).ShouldSucceed();

        Assert.Equal(["/1.csv", "/2.csv", "/nested/"], JsonOutput.Column(ws.Run("file", "list", "attributes@master", "--output", "json"), "path"));
        Assert.Equal("7.7,3.0,6.1,2.3\n", ws.Run("get-file", "attributes", "master", "nested/3.csv").ShouldSucceed().Stdout);

        var output = Path.Combine(ws.Root, "out");
        ws.Run("file", "get", "attributes@master:/", "--recursive", "--output", output).ShouldSucceed();
        Assert.Equal("6.2,2.9,4.3,1.3\n", File.ReadAllText(Path.Combine(output, "2.csv")));
        Assert.Equal("7.7,3.0,6.1,2.3\n", File.ReadAllText(Path.Combine(output, "nested", "3.csv")));
        Assert.Contains("attributes", ws.Run("list-repo").ShouldSucceed().Stdout);
    }

    [Fact]
    public void Commit_start_delete_put_finish_makes_one_commit_with_both_changes()
    {
        ws.Run("create-repo", "training").ShouldSucceed();
        ws.Run("put-file", "training", "master", "-c", "-f", ws.Write("iris.csv", "old\n")).ShouldSucceed();
        var before = JsonOutput.Parse(ws.Run("commit", "list", "training@master", "--output", "json")).GetArrayLength();

        var id = ws.Run("start-commit", "training", "master").ShouldSucceed().Stdout.Trim();
        Assert.Matches("^[0-9a-f]{32}$", id);
        ws.Run("delete-file", "training", id, "iris.csv").ShouldSucceed();
        ws.Write("new/iris.csv", "new\n");
        ws.Run("put-file", "training", id, "-f", Path.Combine(ws.Root, "new", "iris.csv")).ShouldSucceed();

        // while open, the branch's readers see the open commit, and it is listed as open
        var open = JsonOutput.Parse(ws.Run("commit", "inspect", $"training@{id}", "--output", "json"));
        Assert.True(open.GetProperty("isOpen").GetBoolean());
        ws.Run("finish-commit", "training", id).ShouldSucceed();

        Assert.Equal(before + 1, JsonOutput.Parse(ws.Run("list-commit", "training", "--output", "json")).GetArrayLength());
        Assert.Equal(["/iris.csv"], JsonOutput.Column(ws.Run("list-file", "training", id, "--output", "json"), "path"));
        Assert.Equal("new\n", ws.Run("file", "get", $"training@{id}:iris.csv").ShouldSucceed().Stdout);
        var finished = JsonOutput.Parse(ws.Run("inspect-commit", "training", id, "--output", "json"));
        Assert.False(finished.GetProperty("isOpen").GetBoolean());

        // a finished commit is immutable, and cannot be finished twice
        ws.Run("put-file", "training", id, "-f", Path.Combine(ws.Root, "iris.csv")).ShouldFailWith("PIPE5008");
        ws.Run("finish-commit", "training", id).ShouldFailWith("PIPE5009");
    }

    [Fact]
    public void Commit_inspect_of_a_short_id_prefix()
    {
        ws.Run("repo", "create", "model").ShouldSucceed();
        ws.Run("file", "put", "model@master:model.txt", "-f", ws.Write("m.txt", "svm")).ShouldSucceed();
        var id = JsonOutput.Parse(ws.Run("commit", "inspect", "model@master", "--output", "json")).GetProperty("id").GetString()!;
        Assert.Equal(id, JsonOutput.Parse(ws.Run("commit", "inspect", $"model@{id[..6]}", "--output", "json")).GetProperty("id").GetString());
    }

    public void Dispose() => ws.Dispose();
}
