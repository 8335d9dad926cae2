using System.Text.Json.Nodes;

namespace PipeBuild.Cli.Tests;

/// <summary>
/// The reliability issue's damaged stores through the tool (the full corpus is StoreDamageCorpusTests): fsck names the
/// damage and fails with PIPE5016, and reading history fails with it too, at once, without a stack trace or a hang.
/// </summary>
public sealed class StoreDamageTests : IDisposable
{
    private readonly TempWorkspace ws = new();
    private readonly string[] commits;

    public StoreDamageTests()
    {
        ws.Run("repo", "create", "data").ShouldSucceed();
        foreach (var name in new[] { "a.csv", "b.csv", "c.csv" })
        {
            ws.Run("file", "put", $"data@master:{name}", "-f", ws.Write($"in/{name}", $"{name}\n")).ShouldSucceed();
        }

        commits = [.. JsonOutput.Column(ws.Run("commit", "list", "data", "--output", "json"), "id").Reverse()]; // oldest first
    }

    [Theory]
    [InlineData("a loop: the first commit given the newest as parent", "first", "parent", "newest")]
    [InlineData("the newest commit's tree moved to the first's", "newest", "tree", "tree of first")]
    [InlineData("the middle commit's id changed", "middle", "id", "first")]
    [InlineData("the newest commit's size changed", "newest", "size", "1")]
    public async Task An_edited_commit_is_named_by_fsck_and_stops_every_walk_of_history(string damage, string which, string field, string value)
    {
        var key = $"commits/data/{Id(which)}";
        var commit = Read(key);
        commit[field] = field == "size" ? JsonValue.Create(1) : value.StartsWith("tree of ", StringComparison.Ordinal) ? Read($"commits/data/{Id(value[8..])}")["tree"]!.GetValue<string>() : Id(value);
        File.WriteAllText(Path.Combine(ws.PipeFolder, key), commit.ToJsonString());

        var fsck = ws.Run("fsck");
        Assert.True(fsck.ExitCode != 0, damage);
        Assert.Contains($"'{key}' is damaged", fsck.Stdout + fsck.Stderr);
        Assert.Contains("error PIPE5016", fsck.Stderr);

        foreach (var command in new[] { new[] { "file", "get", "data@master.1:a.csv" }, ["file", "history", "data@master:a.csv"], ["file", "get", "data@master^2:a.csv"] })
        {
            using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(60)); // a walk that loops would never end
            var result = await ws.RunAsync(command, patience.Token);
            Assert.True(result.ExitCode != 0, $"{string.Join(' ', command)} after {damage}: {result.Stdout}");
            Assert.Contains("error PIPE5016: the store document", result.Stderr);
            Assert.DoesNotContain("   at ", result.Stderr);
        }
    }

    [Fact]
    public void A_branch_head_that_is_a_path_and_an_object_folder_that_is_a_file_are_reported_and_fsck_goes_on()
    {
        File.WriteAllText(Path.Combine(ws.PipeFolder, "refs", "data", "master"), """{"head":"../../x"}""");
        var objects = Directory.GetDirectories(Path.Combine(ws.PipeFolder, "objects")).Order(StringComparer.Ordinal).First();
        Directory.Delete(objects, recursive: true);
        File.WriteAllText(objects, "");

        var fsck = ws.Run("fsck");
        Assert.True(fsck.ExitCode != 0);
        var said = fsck.Stdout + fsck.Stderr;
        Assert.Contains("'refs/data/master' is damaged ('../../x' is not a commit id)", said);
        Assert.Contains($"'objects/{Path.GetFileName(objects)}' in the objects folder is not an object", said);
        Assert.Contains("3 commits", said); // every commit still checked
        Assert.DoesNotContain("internal error", said);
        var list = ws.Run("file", "list", "data@master");
        Assert.Equal(3, list.ExitCode); // PIPE5016's documented exit code: the store, not the command, is wrong
        Assert.StartsWith("error PIPE5016: the store document 'refs/data/master' is damaged", list.Stderr);
    }

    [Fact]
    public void A_store_from_before_seals_is_upgraded_its_history_still_reads_and_only_new_commits_must_be_sealed()
    {
        foreach (var id in commits)
        {
            var commit = Read($"commits/data/{id}");
            commit.Remove("seal");
            commit.Remove("parentSeal");
            File.WriteAllText(Path.Combine(ws.PipeFolder, "commits", "data", id), commit.ToJsonString());
        }

        File.WriteAllText(Path.Combine(ws.PipeFolder, "format"), """{"format":1}""");

        Assert.Equal("a.csv\n", ws.Run("file", "get", "data@master.1:a.csv").ShouldSucceed().Stdout);
        var upgraded = Read("format");
        Assert.Equal((3, true), ((int)upgraded["format"]!, (bool)upgraded["legacyCommits"]!));
        Assert.NotNull(upgraded["keepCommitsBefore"]); // gc keeps the history an older tool wrote
        ws.Run("file", "put", "data@master:d.csv", "-f", ws.Write("in/d.csv", "d\n")).ShouldSucceed();
        ws.Run("file", "put", "data@master:e.csv", "-f", ws.Write("in/e.csv", "e\n")).ShouldSucceed();
        var newest = JsonOutput.Parse(ws.Run("commit", "inspect", "data@master", "--output", "json")).GetProperty("id").GetString()!;
        Assert.NotNull(Read($"commits/data/{newest}")["seal"]);
        Assert.Contains("ok:", ws.Run("fsck").ShouldSucceed().Stdout);

        var unsealed = Read($"commits/data/{newest}");
        unsealed.Remove("seal"); // made after the upgrade, on a sealed parent: it cannot be from before seals
        File.WriteAllText(Path.Combine(ws.PipeFolder, "commits", "data", newest), unsealed.ToJsonString());
        Assert.Contains($"commit data@{newest} has no seal", ws.Run("fsck").Stdout);
    }

    public void Dispose() => ws.Dispose();

    private string Id(string which) => which switch { "first" => commits[0], "middle" => commits[1], _ => commits[2] };

    private JsonObject Read(string key) => JsonNode.Parse(File.ReadAllText(Path.Combine(ws.PipeFolder, key)))!.AsObject();
}
