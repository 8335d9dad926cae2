using System.Text;
using System.Text.Json.Nodes;
using PipeBuild.Core;

namespace PipeBuild.Store.Tests;

/// <summary>
/// Damage to the store's documents, one case each (truncated, garbage, valid JSON with changed fields, loops, missing
/// entries, files swapped for folders and back): fsck names every one, and every other operation either works or
/// fails with a PIPE error; none hangs, none fails with anything else. The history is data@master c1 ← c2 ← c3 (a.csv,
/// b.csv, c.csv), dev at c2, an open commit on wip, and the repo 'other'.
/// </summary>
public sealed class StoreDamageCorpusTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly TestStore t = new();
    private readonly History h;

    public StoreDamageCorpusTests()
    {
        StoreFormat.InitializeAsync(t.Objects, default).GetAwaiter().GetResult();
        h = History.CreateAsync(t).GetAwaiter().GetResult();
    }

    public static TheoryData<string> Damages() => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(Damages))]
    public async Task Fsck_names_the_damage_and_no_other_command_hangs_or_fails_without_a_PIPE_error(string damage)
    {
        Assert.True((await new StoreMaintenance(t.Versions).FsckAsync(default)).IsClean);
        var names = Cases[damage](h);

        var fsck = await Attempt("fsck", () => new StoreMaintenance(new VersionStore(t.Objects)).FsckAsync(default));
        var said = fsck is PipeException error ? error.Message : string.Join("\n", ((FsckReport)fsck!).Problems);
        Assert.True(said.Contains(names, StringComparison.Ordinal), $"fsck did not name '{names}' after '{damage}':\n{said}");

        var store = new VersionStore(t.Objects);
        await Attempt("repo list", () => store.ListReposAsync(default));
        await Attempt("branch list", () => store.ListBranchesAsync("data", default));
        await Attempt("commit list", () => store.ListCommitsAsync("data", null, 100, default));
        foreach (var reference in new[] { "data@master", "data@master.1", "data@master^2", "data@dev", "data@wip", $"data@{h.C1}", "other@master" })
        {
            await Attempt($"file get {reference}:a.csv", async () =>
            {
                var commit = await store.ResolveAsync(CommitRef.Parse(reference), default);
                var entry = await store.GetExistingEntryAsync(commit, "a.csv", default);
                return await store.Content.ReadAllAsync(entry.Content, default);
            });
        }

        await Attempt("file history", async () => await store.HistoryAsync(await store.ResolveAsync(CommitRef.Parse("data@master"), default), default).CountAsync());
        await Attempt("file put", () => store.WriteAsync(CommitRef.Parse("data@master"), null, (e, ct) => e.DeleteAsync("a.csv", ct), default));
        using var copy = new TestStore();
        await Attempt("store sync", () => new StoreSync(store, copy.Versions).RunAsync(default));
        await Attempt("gc", () => new StoreMaintenance(store).CollectAsync(TimeSpan.Zero, default));
    }

    /// <summary>Runs one operation: its result, or the PIPE error it failed with; anything else, or no end, fails the test.</summary>
    private static async Task<object?> Attempt<T>(string what, Func<Task<T>> operation)
    {
        try
        {
            return await operation().WaitAsync(Patience);
        }
        catch (PipeException e)
        {
            return e;
        }
        catch (TimeoutException)
        {
            Assert.Fail($"{what} did not end in {Patience.TotalSeconds} s");
            throw;
        }
        catch (Exception e)
        {
            Assert.Fail($"{what} failed without a PIPE error: {e}");
            throw;
        }
    }

    // Each damage returns what fsck must name: a key, an id, a name.
    private static readonly Dictionary<string, Func<History, string>> Cases = new()
    {
        // the newest commit's document
        ["head commit emptied"] = h => h.Write(h.CommitKey(h.C3), "", h.CommitKey(h.C3)),
        ["head commit cut in half"] = h => h.Write(h.CommitKey(h.C3), h.Read(h.CommitKey(h.C3))[..40], h.CommitKey(h.C3)),
        ["head commit garbage"] = h => h.Write(h.CommitKey(h.C3), "garbage{{", h.CommitKey(h.C3)),
        ["head commit null"] = h => h.Write(h.CommitKey(h.C3), "null", h.CommitKey(h.C3)),
        ["head commit empty object"] = h => h.Write(h.CommitKey(h.C3), "{}", h.CommitKey(h.C3)),
        ["head commit array"] = h => h.Write(h.CommitKey(h.C3), "[1,2]", h.CommitKey(h.C3)),
        ["head commit tree moved to an older tree"] = h => h.Edit(h.C3, c => c["tree"] = h.Commit(h.C1)["tree"]!.GetValue<string>()),
        ["head commit tree moved to no tree"] = h => h.Edit(h.C3, c => c["tree"] = new string('a', 64)),
        ["head commit size changed"] = h => h.Edit(h.C3, c => c["size"] = 1),
        ["head commit id changed"] = h => h.Edit(h.C3, c => c["id"] = h.C1),
        ["head commit id not an id"] = h => h.Edit(h.C3, c => c["id"] = "../../x"),
        ["head commit repo changed"] = h => h.Edit(h.C3, c => c["repo"] = "other"),
        ["head commit branch changed"] = h => h.Edit(h.C3, c => c["branch"] = "dev"),
        ["head commit parent removed"] = h => h.Edit(h.C3, c => c.Remove("parent")),
        ["head commit parent is itself"] = h => h.Edit(h.C3, c => c["parent"] = h.C3),
        ["head commit parent is a path"] = h => h.Edit(h.C3, c => c["parent"] = "../../../etc"),
        ["head commit seal removed"] = h => h.Edit(h.C3, c => c.Remove("seal")),
        ["head commit seal garbage"] = h => h.Edit(h.C3, c => c["seal"] = "x"),
        ["head commit description changed"] = h => h.Edit(h.C3, c => c["description"] = "not what was said"),
        ["head commit finished removed"] = h => h.Edit(h.C3, c => c.Remove("finished")),
        ["head commit provenance added"] = h => h.Edit(h.C3, c => c["provenance"] = JsonNode.Parse($$"""[{"repo":"other","branch":"master","commit":"{{h.Other}}"}]""")),
        ["head commit parent seal changed"] = h => h.Edit(h.C3, c => c["parentSeal"] = new string('b', 64)),
        ["head commit size not a number"] = h => h.Edit(h.C3, c => c["size"] = "big"),
        ["head commit replaced by an empty folder"] = h => h.MakeFolder(h.CommitKey(h.C3), h.C3),
        ["head commit replaced by a folder with a file"] = h => h.MakeFolder(h.CommitKey(h.C3), h.C3, "x"),
        ["head commit deleted"] = h => h.Delete(h.CommitKey(h.C3), h.C3),

        // commits before it: the seal each child recorded finds the change, re-sealed or not
        ["middle commit tree changed"] = h => h.Edit(h.C2, c => c["tree"] = h.Commit(h.C1)["tree"]!.GetValue<string>()),
        ["middle commit tree changed and resealed"] = h => h.Edit(h.C2, c => c["tree"] = h.Commit(h.C1)["tree"]!.GetValue<string>(), reseal: true, names: h.C2),
        ["middle commit made a loop"] = h => h.Edit(h.C2, c => c["parent"] = h.C3),
        ["root commit given a parent, a resealed loop"] = h => h.Edit(h.C1, c => c["parent"] = h.C3, reseal: true, names: h.C1),
        ["root commit deleted"] = h => h.Delete(h.CommitKey(h.C1), h.C1),
        ["root commit garbage"] = h => h.Write(h.CommitKey(h.C1), "\0\0\0", h.CommitKey(h.C1)),
        ["unsealed loop in a store from before seals"] = h => h.UnsealedLoop(),

        // the branch document
        ["branch garbage"] = h => h.Write(h.BranchKey, "garbage{{", h.BranchKey),
        ["branch emptied"] = h => h.Write(h.BranchKey, "", h.BranchKey),
        ["branch null"] = h => h.Write(h.BranchKey, "null", h.BranchKey),
        ["branch head is a path"] = h => h.Write(h.BranchKey, """{"head":"../../x"}""", h.BranchKey),
        ["branch head names no commit"] = h => h.Write(h.BranchKey, $$"""{"head":"{{new string('c', 32)}}"}""", new string('c', 32)),
        ["branch head empty"] = h => h.Write(h.BranchKey, """{"head":""}""", h.BranchKey),
        ["branch head a number"] = h => h.Write(h.BranchKey, """{"head":5}""", h.BranchKey),
        ["branch open names no commit"] = h => h.Write(h.BranchKey, $$"""{"head":"{{h.C3}}","open":"{{new string('d', 32)}}"}""", new string('d', 32)),
        ["branch replaced by a folder with a file"] = h => h.MakeFolder(h.BranchKey, "refs/data/master", "x"),
        ["branch of another name"] = h => h.Write("refs/data/bad name!", $$"""{"head":"{{h.C3}}"}""", "refs/data/bad name!"),

        // the repo document
        ["repo garbage"] = h => h.Write("repos/data", "garbage{{", "repos/data"),
        ["repo emptied"] = h => h.Write("repos/data", "", "repos/data"),
        ["repo renamed inside"] = h => h.Write("repos/data", """{"name":"other"}""", "repos/data"),
        ["repo replaced by a folder with a file"] = h => h.MakeFolder("repos/data", "repos/data", "x"),

        // the open commit
        ["open commit garbage"] = h => h.Write(h.OpenKey, "garbage{{", h.OpenKey),
        ["open commit id changed"] = h => h.EditOpen(c => c["id"] = h.C1),

        // objects
        ["object folder replaced by a file"] = h => h.ObjectFolderToFile(),
        ["tree object cut short"] = h => h.CutTree(),
    };

    public void Dispose() => t.Dispose();

    /// <summary>The history the damages apply to, and the edits they make to the files of the local store.</summary>
    private sealed class History(TestStore t)
    {
        public required string C1 { get; init; }

        public required string C2 { get; init; }

        public required string C3 { get; init; }

        public required string Open { get; init; }

        public required string Other { get; init; }

        public string BranchKey => "refs/data/master";

        public string OpenKey => StoreKeys.OpenCommit("data", Open);

        public static async Task<History> CreateAsync(TestStore t)
        {
            await t.CreateRepoAsync("data");
            await t.CreateRepoAsync("other");
            var c1 = await t.PutTextAsync("data@master", "a.csv", "a\n");
            var c2 = await t.PutTextAsync("data@master", "b.csv", "b\n");
            await t.Versions.CreateBranchAsync("data", "dev", CommitRef.Parse($"data@{c2.Id}"), default);
            var c3 = await t.PutTextAsync("data@master", "c.csv", "c\n");
            var open = await t.Versions.StartCommitAsync("data", "wip", null, default);
            await t.PutTextAsync("data@wip", "a.csv", "wip\n");
            var other = await t.PutTextAsync("other@master", "a.csv", "o\n");
            return new History(t) { C1 = c1.Id, C2 = c2.Id, C3 = c3.Id, Open = open.Id, Other = other.Id };
        }

        public string CommitKey(string id) => StoreKeys.Commit("data", id);

        public string Read(string key) => File.ReadAllText(PathOf(key));

        public JsonObject Commit(string id) => JsonNode.Parse(Read(CommitKey(id)))!.AsObject();

        public string Write(string key, string content, string names)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(PathOf(key))!);
            File.WriteAllText(PathOf(key), content);
            return names;
        }

        public string Delete(string key, string names)
        {
            File.Delete(PathOf(key));
            return names;
        }

        public string MakeFolder(string key, string names, string? inner = null)
        {
            File.Delete(PathOf(key));
            Directory.CreateDirectory(PathOf(key));
            if (inner is not null)
            {
                File.WriteAllText(Path.Combine(PathOf(key), inner), "{}");
            }

            return names;
        }

        /// <summary>Edits a finished commit's JSON; <paramref name="reseal"/> recomputes its seal as a careful forger would.</summary>
        public string Edit(string id, Action<JsonObject> edit, bool reseal = false, string? names = null)
        {
            var commit = Commit(id);
            edit(commit);
            var text = commit.ToJsonString();
            if (reseal)
            {
                text = Encoding.UTF8.GetString(StoreJson.Serialize(CommitSeal.Seal(StoreJson.Deserialize<CommitInfo>(Encoding.UTF8.GetBytes(text), "edited"))));
            }

            return Write(CommitKey(id), text, names ?? CommitKey(id));
        }

        public string EditOpen(Action<JsonObject> edit)
        {
            var commit = JsonNode.Parse(Read(OpenKey))!.AsObject();
            edit(commit);
            return Write(OpenKey, commit.ToJsonString(), OpenKey);
        }

        /// <summary>A store upgraded from format 1 whose commits carry no seals, and a root given its newest commit as parent.</summary>
        public string UnsealedLoop()
        {
            Write(StoreKeys.Format, """{"format":2,"legacyCommits":true}""", "");
            foreach (var id in new[] { C1, C2, C3 })
            {
                Edit(id, c =>
                {
                    c.Remove("seal");
                    c.Remove("parentSeal");
                    if (id == C1)
                    {
                        c["parent"] = C3;
                    }
                });
            }

            return "loops";
        }

        public string ObjectFolderToFile()
        {
            var tree = Commit(C3)["tree"]!.GetValue<string>();
            var folder = PathOf($"objects/{tree[..2]}");
            Directory.Delete(folder, recursive: true);
            File.WriteAllText(folder, "");
            return $"objects/{tree[..2]}";
        }

        public string CutTree()
        {
            var tree = Commit(C3)["tree"]!.GetValue<string>();
            var file = PathOf(StoreKeys.Object(tree));
            File.WriteAllText(file, File.ReadAllText(file)[..10]);
            return tree;
        }

        private string PathOf(string key) => Path.Combine(t.Root, key.Replace('/', Path.DirectorySeparatorChar));
    }
}
