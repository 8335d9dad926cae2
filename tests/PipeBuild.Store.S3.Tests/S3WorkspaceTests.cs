using System.Text;
using CliWrap;
using CliWrap.Buffered;
using Xunit;

namespace PipeBuild.Store.S3.Tests;

/// <summary><c>dotnet pipe</c> end to end on an S3 workspace (s3rver): the same commands, results and errors as on the local store.</summary>
public sealed class S3WorkspaceTests : IDisposable
{
    private readonly List<TempWorkspace> workspaces = [];

    [SkippableFact]
    public void Init_repo_put_get_list_and_a_pipeline_work_on_s3()
    {
        var ws = NewS3Workspace(out var url);
        Assert.Contains("\"store\": \"" + url + "\"", File.ReadAllText(Path.Combine(ws.PipeFolder, "config.json")));
        Run(ws, "repo", "create", "in").ShouldSucceed();
        Run(ws, "file", "put", "in@master:a.txt", "-f", ws.Write("a.txt", "one\ntwo\n")).ShouldSucceed();
        Run(ws, "file", "put", "in@master:b.txt", "-f", ws.Write("b.txt", "three\n")).ShouldSucceed();
        Assert.Equal(["/a.txt", "/b.txt"], JsonOutput.Column(Run(ws, "file", "list", "in@master", "--output", "json"), "path"));
        Assert.Equal("one\ntwo\n", Run(ws, "file", "get", "in@master:a.txt").ShouldSucceed().Stdout);

        ws.Write("count.json", """
            { "pipeline": { "name": "count" },
              "transform": { "cmd": ["sh", "-c", "wc -l < \"$in\" | tr -d ' ' > /pfs/out/$(basename \"$in\").n"] },
              "input": { "pfs": { "repo": "in", "glob": "/*" } } }
            """);
        Run(ws, "pipeline", "create", "-f", "count.json").ShouldSucceed();
        Assert.Equal("2\n", Run(ws, "file", "get", "count@master:a.txt.n").ShouldSucceed().Stdout);
        Assert.Equal("1\n", Run(ws, "file", "get", "count@master:b.txt.n").ShouldSucceed().Stdout);
        Run(ws, "fsck").ShouldSucceed();

        // Nothing but the workspace's config and caches is local: the data lives in the bucket.
        Assert.False(Directory.Exists(Path.Combine(ws.PipeFolder, "objects")));
        Assert.False(Directory.Exists(Path.Combine(ws.PipeFolder, "refs")));
    }

    [SkippableFact]
    public async Task A_local_workspace_egresses_each_output_commit_to_an_s3_prefix_changes_and_deletes_only()
    {
        S3TestServer.Require();
        var ws = New(new TempWorkspace());
        var egress = S3TestServer.NewUrl("egress");
        Run(ws, "repo", "create", "in").ShouldSucceed();
        Run(ws, "file", "put", "in@master:a.txt", "-f", ws.Write("a.txt", "one\ntwo\n")).ShouldSucceed();
        Run(ws, "file", "put", "in@master:b.txt", "-f", ws.Write("b.txt", "three\n")).ShouldSucceed();
        ws.Write("count.json", $$"""
            { "pipeline": { "name": "count" },
              "transform": { "cmd": ["sh", "-c", "for f in /pfs/in/*; do wc -l < \"$f\" | tr -d ' ' > /pfs/out/${f##*/}.n; done"] },
              "input": { "pfs": { "repo": "in", "glob": "/*" } },
              "egress": { "object_storage": { "url": "{{egress}}" } } }
            """);

        Run(ws, "pipeline", "create", "-f", "count.json").ShouldSucceed();
        Run(ws, "file", "put", "in@master:a.txt", "-f", ws.Write("a2.txt", "one\n"), "--no-run").ShouldSucceed();
        Run(ws, "file", "delete", "in@master:b.txt").ShouldSucceed();

        await using var bucket = new S3ObjectStore(S3TestServer.Options(egress));
        Assert.Equal("1\n", Encoding.UTF8.GetString((await bucket.TryReadAsync("a.txt.n", default))!));
        Assert.Null(await bucket.TryReadAsync("b.txt.n", default));
        Assert.Equal(["a.txt.n"], await bucket.ListAsync("", default).ToListAsync());
    }

    [SkippableFact]
    public async Task Parallel_puts_from_separate_processes_into_one_branch_all_land()
    {
        var ws = NewS3Workspace(out _);
        Run(ws, "repo", "create", "shared").ShouldSucceed();
        const int writers = 6;
        var files = Enumerable.Range(0, writers).Select(i => ws.Write($"w{i}.txt", $"writer {i}")).ToArray();

        var results = await Task.WhenAll(files.Select((f, i) => ws.Command(["file", "put", $"shared@master:w{i}.txt", "-f", f, "--output", "json"]).WithS3().ExecuteBufferedAsync().Task));

        Assert.All(results, r => Assert.True(r.ExitCode == 0, r.StandardError));
        var committed = results.Select(r => JsonOutput.Parse(new PipeResult(0, r.StandardOutput, "")).GetProperty("commit").GetString()!).ToHashSet();
        var history = JsonOutput.Column(Run(ws, "commit", "list", "shared@master", "--output", "json"), "id");
        Assert.Equal(writers, history.Length);
        Assert.Equal(writers, committed.Count);
        Assert.All(committed, id => Assert.Contains(id, history)); // every put's commit is in the branch's history
        Assert.Equal(Enumerable.Range(0, writers).Select(i => $"/w{i}.txt"), JsonOutput.Column(Run(ws, "file", "list", "shared@master", "--output", "json"), "path"));
        Run(ws, "fsck").ShouldSucceed();
    }

    [SkippableFact]
    public void Sync_pushes_history_to_s3_and_pulls_it_into_a_fresh_workspace()
    {
        S3TestServer.Require();
        var url = S3TestServer.NewUrl("sync");
        var local = New(new TempWorkspace());
        local.Run("repo", "create", "data").ShouldSucceed();
        local.Run("file", "put", "data@master:x.csv", "-f", local.Write("x.csv", "a,b\n1,2\n")).ShouldSucceed();
        local.Run("file", "put", "data@master:y.bin", "-f", WriteRandom(local, "y.bin", 3 * 1024 * 1024)).ShouldSucceed();

        Run(local, "store", "sync", "push", url.ToString()).ShouldSucceed();
        var again = JsonOutput.Parse(Run(local, "store", "sync", "push", url.ToString(), "--output", "json"));
        Assert.Equal(0, again.GetProperty("objects").GetInt32()); // incremental: nothing new to copy
        Assert.Equal(0, again.GetProperty("commits").GetInt32());

        var fresh = New(new TempWorkspace());
        var pulled = JsonOutput.Parse(Run(fresh, "store", "sync", "pull", url.ToString(), "--output", "json"));
        Assert.Equal(2, pulled.GetProperty("commits").GetInt32());
        Assert.Equal(File.ReadAllBytes(Path.Combine(local.Root, "y.bin")), GetBytes(fresh, "data@master:y.bin"));
        Assert.Equal(
            JsonOutput.Column(local.Run("commit", "list", "data@master", "--output", "json"), "id"),
            JsonOutput.Column(fresh.Run("commit", "list", "data@master", "--output", "json"), "id"));
        fresh.Run("fsck").ShouldSucceed();

        // Both sides add a different commit: the second push is a conflict, and moves nothing.
        local.Run("file", "put", "data@master:z.txt", "-f", local.Write("z.txt", "local")).ShouldSucceed();
        fresh.Run("file", "put", "data@master:z.txt", "-f", fresh.Write("z.txt", "fresh")).ShouldSucceed();
        Run(fresh, "store", "sync", "push", url.ToString()).ShouldSucceed();
        var conflict = Run(local, "store", "sync", "push", url.ToString()).ShouldFailWith("PIPE5108");
        Assert.Contains("data@master", conflict.Stderr);
    }

    [SkippableFact]
    public void Bad_credentials_or_endpoint_fail_clearly_and_never_show_the_secret()
    {
        S3TestServer.Require();
        const string secret = "Sup3rSecretKeyThatMustNotLeak/abc+def";
        var url = S3TestServer.NewUrl("secret");
        var badKey = New(new TempWorkspace(init: false));
        var denied = Exec(badKey, secret, S3TestServer.Endpoint!, "init", "--store", url.ToString());
        denied.ShouldFailWith("PIPE5103");
        Assert.False(File.Exists(Path.Combine(badKey.PipeFolder, "config.json"))); // init changed nothing

        var badEndpoint = New(new TempWorkspace(init: false));
        var unreachable = Exec(badEndpoint, secret, "http://127.0.0.1:9/", "init", "--store", url.ToString());
        unreachable.ShouldFailWith("PIPE5102");

        // A working workspace run with a bad key later: the error names the store, not the key.
        var ws = NewS3Workspace(out _);
        var put = Exec(ws, secret, S3TestServer.Endpoint!, "repo", "create", "x", "--verbose");
        Assert.Equal(1, put.ExitCode);
        Assert.Contains("error PIPE5103:", put.Stderr); // --verbose adds the stack trace, still without the secret

        foreach (var result in new[] { denied, unreachable, put })
        {
            Assert.DoesNotContain(secret, result.Stdout + result.Stderr);
        }

        foreach (var folder in new[] { badKey.Root, badEndpoint.Root, ws.Root })
        {
            Assert.All(Directory.GetFiles(folder, "*", SearchOption.AllDirectories), f => Assert.DoesNotContain(secret, File.ReadAllText(f)));
        }
    }

    public void Dispose()
    {
        foreach (var ws in workspaces)
        {
            ws.Dispose();
        }
    }

    private static PipeResult Run(TempWorkspace ws, params string[] args)
    {
        var result = ws.Command(args).WithS3().ExecuteBufferedAsync().GetAwaiter().GetResult();
        return new PipeResult(result.ExitCode, result.StandardOutput, result.StandardError);
    }

    /// <summary>Runs with an access key the server does not know (s3rver checks the key id, not the signature) and <paramref name="secret"/>.</summary>
    private static PipeResult Exec(TempWorkspace ws, string secret, string endpoint, params string[] args)
    {
        var result = ws.Command(args).WithS3(endpoint, secret, "AKIAWRONGKEY").ExecuteBufferedAsync().GetAwaiter().GetResult();
        return new PipeResult(result.ExitCode, result.StandardOutput, result.StandardError);
    }

    private static byte[] GetBytes(TempWorkspace ws, string reference)
    {
        var target = Path.Combine(ws.Root, "got.bin");
        Run(ws, "file", "get", reference, "-o", target).ShouldSucceed();
        return File.ReadAllBytes(target);
    }

    private static string WriteRandom(TempWorkspace ws, string name, int size)
    {
        var path = Path.Combine(ws.Root, name);
        File.WriteAllBytes(path, System.Security.Cryptography.RandomNumberGenerator.GetBytes(size));
        return path;
    }

    private TempWorkspace NewS3Workspace(out S3StoreUrl url)
    {
        S3TestServer.Require();
        url = S3TestServer.NewUrl("cli");
        var ws = New(new TempWorkspace(init: false));
        Run(ws, "init", "--store", url.ToString(), "--s3-endpoint", S3TestServer.Endpoint!).ShouldSucceed();
        return ws;
    }

    private TempWorkspace New(TempWorkspace ws)
    {
        workspaces.Add(ws);
        return ws;
    }
}
