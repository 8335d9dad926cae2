namespace PipeBuild.Cli.Tests;

/// <summary>
/// Egress (Pachyderm's <c>egress.URL</c>, <c>&lt;Egress&gt;</c>): each output commit is copied to a folder, only what
/// changed, deletes included; a failed copy fails the job with the commit published, and a restart copies it.
/// </summary>
public sealed class EgressTests : IDisposable
{
    private readonly TempWorkspace ws = new();

    [Fact]
    public void Each_output_commit_is_copied_to_the_egress_folder_changes_and_deletes_only()
    {
        var folder = Path.Combine(ws.Root, "published");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "theirs.txt"), "was there before");
        ws.Run("repo", "create", "words").ShouldSucceed();
        ws.Run("file", "put", "words@master:a.txt", "-f", ws.Write("in/a.txt", "apple")).ShouldSucceed();
        ws.Run("file", "put", "words@master:b.txt", "-f", ws.Write("in/b.txt", "banana")).ShouldSucceed();
        ws.Write("upper.pipeproj", $$"""
            <Project Sdk="PipeBuild.Sdk">
              <PropertyGroup>
                <Command>for f in /pfs/words/*; do mkdir -p /pfs/out/upper; tr a-z A-Z &lt; "$f" &gt; "/pfs/out/upper/${f##*/}"; done</Command>
                <Egress>file://{{folder}}</Egress>
              </PropertyGroup>
              <ItemGroup>
                <PipeInput Include="words" Glob="/*" />
              </ItemGroup>
            </Project>
            """);

        ws.Run("pipeline", "create", "-f", "upper.pipeproj").ShouldSucceed();

        Assert.Equal("APPLE", File.ReadAllText(Path.Combine(folder, "upper", "a.txt")));
        Assert.Equal("BANANA", File.ReadAllText(Path.Combine(folder, "upper", "b.txt")));
        Assert.Equal("was there before", File.ReadAllText(Path.Combine(folder, "theirs.txt"))); // the first copy deletes nothing
        Assert.Equal((2, 0), Egressed(LastJob()));

        ws.Run("file", "put", "words@master:a.txt", "-f", ws.Write("in/a2.txt", "apricot"), "--no-run").ShouldSucceed();
        ws.Run("file", "delete", "words@master:b.txt").ShouldSucceed();

        Assert.Equal("APRICOT", File.ReadAllText(Path.Combine(folder, "upper", "a.txt")));
        Assert.False(File.Exists(Path.Combine(folder, "upper", "b.txt")));
        Assert.Equal((1, 1), Egressed(LastJob()));
        Assert.Contains($"file://{folder}: 1 written, 1 deleted", ws.Run("job", "inspect", LastJob()).ShouldSucceed().Stdout);
        Assert.Equal(["theirs.txt", Path.Combine("upper", "a.txt")], Files(folder));
        Assert.Equal(0, ws.Run("run", "--question").ExitCode);
        Assert.Contains($"file://{folder}", ws.Run("pipeline", "inspect", "upper").ShouldSucceed().Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void A_failed_copy_fails_the_job_with_the_commit_published_and_a_restart_copies_it_without_running_datums()
    {
        var blocked = Path.Combine(ws.Root, "blocked");
        File.WriteAllText(blocked, "a file where the egress folder should be");
        ws.Run("repo", "create", "words").ShouldSucceed();
        ws.Run("file", "put", "words@master:a.txt", "-f", ws.Write("in/a.txt", "apple")).ShouldSucceed();
        ws.Write("copy.json", $$"""
            { "pipeline": { "name": "copy" },
              "transform": { "cmd": ["sh", "-c", "cp /pfs/words/* /pfs/out/"] },
              "input": { "pfs": { "repo": "words", "glob": "/*" } },
              "egress": { "URL": "file://{{blocked}}" } }
            """);

        var failed = ws.Run("pipeline", "create", "-f", "copy.json");

        Assert.NotEqual(0, failed.ExitCode);
        var job = LastJob();
        var inspected = JsonOutput.Parse(ws.Run("job", "inspect", job, "--output", "json"));
        Assert.Equal("failure", inspected.GetProperty("state").GetString());
        var reason = inspected.GetProperty("reason").GetString()!;
        Assert.Contains("PIPE4011", reason, StringComparison.Ordinal);
        Assert.Contains($"copying it to file://{blocked} failed", reason, StringComparison.Ordinal);
        Assert.Contains($"dotnet pipe job restart {job}", reason, StringComparison.Ordinal);
        Assert.Equal("apple", ws.Run("file", "get", "copy@master:a.txt").ShouldSucceed().Stdout); // the output commit is published
        Assert.Equal(1, ws.Run("run", "--question").ExitCode); // and not yet copied: out of date

        File.Delete(blocked);
        ws.Run("job", "restart", job).ShouldSucceed();

        Assert.Equal("apple", File.ReadAllText(Path.Combine(blocked, "a.txt")));
        var restarted = JsonOutput.Parse(ws.Run("job", "inspect", LastJob(), "--output", "json"));
        Assert.Equal("success", restarted.GetProperty("state").GetString());
        Assert.Equal(0, restarted.GetProperty("datumsProcessed").GetInt32()); // every datum reused
        Assert.Equal(0, ws.Run("run", "--question").ExitCode);
    }

    [Fact]
    public void The_copy_after_a_failed_one_deletes_what_the_failed_one_wrote_and_the_output_no_longer_has()
    {
        var folder = Path.Combine(ws.Root, "published");
        ws.Run("repo", "create", "words").ShouldSucceed();
        ws.Run("file", "put", "words@master:a.txt", "-f", ws.Write("in/a.txt", "apple")).ShouldSucceed();
        ws.Write("copy.json", $$"""
            { "pipeline": { "name": "copy" },
              "transform": { "cmd": ["sh", "-c", "cp -r /pfs/words/. /pfs/out/"] },
              "input": { "pfs": { "repo": "words", "glob": "/" } },
              "egress": { "URL": "file://{{folder}}" } }
            """);
        ws.Run("pipeline", "create", "-f", "copy.json").ShouldSucceed();

        // The next copy fails on zz/y.txt (a file where its folder should be), after writing x.txt.
        File.WriteAllText(Path.Combine(folder, "zz"), "in the way");
        ws.Run("file", "put", "words@master:x.txt", "-f", ws.Write("in/x.txt", "xylophone"), "--no-run").ShouldSucceed();
        Assert.NotEqual(0, ws.Run("file", "put", "words@master:zz/y.txt", "-f", ws.Write("in/y.txt", "yam")).ExitCode);
        Assert.Equal("failure", JsonOutput.Parse(ws.Run("job", "inspect", LastJob(), "--output", "json")).GetProperty("state").GetString());
        Assert.Contains($"file://{folder}: not complete", ws.Run("job", "inspect", LastJob()).ShouldSucceed().Stdout, StringComparison.Ordinal);
        Assert.Equal("xylophone", File.ReadAllText(Path.Combine(folder, "x.txt")));

        File.Delete(Path.Combine(folder, "zz"));
        ws.Run("file", "delete", "words@master:x.txt").ShouldSucceed();

        Assert.Equal(["a.txt", Path.Combine("zz", "y.txt")], Files(folder)); // x.txt, gone from the output, is gone from the copy
        Assert.Equal(0, ws.Run("run", "--question").ExitCode);
    }

    [Fact]
    public void Adding_an_egress_to_an_up_to_date_pipeline_copies_its_output_on_the_next_run()
    {
        var folder = Path.Combine(ws.Root, "later");
        ws.Run("repo", "create", "words").ShouldSucceed();
        ws.Run("file", "put", "words@master:a.txt", "-f", ws.Write("in/a.txt", "apple")).ShouldSucceed();
        const string Pipeline = """
            <Project Sdk="PipeBuild.Sdk">
              <PropertyGroup>
                <Command>cp /pfs/words/* /pfs/out/</Command>
                EGRESS
              </PropertyGroup>
              <ItemGroup>
                <PipeInput Include="words" Glob="/*" />
              </ItemGroup>
            </Project>
            """;
        ws.Write("copy.pipeproj", Pipeline.Replace("EGRESS", "", StringComparison.Ordinal));
        ws.Run("pipeline", "create", "-f", "copy.pipeproj").ShouldSucceed();
        ws.Write("copy.pipeproj", Pipeline.Replace("EGRESS", $"<Egress>file://{folder}/</Egress>", StringComparison.Ordinal));

        var question = ws.Run("run", "--question");

        Assert.Equal(1, question.ExitCode);
        Assert.Contains($"output not yet copied to file://{folder}/", question.Stdout + question.Stderr, StringComparison.Ordinal);
        ws.Run("run").ShouldSucceed();
        Assert.Equal("apple", File.ReadAllText(Path.Combine(folder, "a.txt")));
        Assert.Equal(0, JsonOutput.Parse(ws.Run("job", "inspect", LastJob(), "--output", "json")).GetProperty("datumsProcessed").GetInt32());
    }

    public void Dispose() => ws.Dispose();

    private string LastJob() => JsonOutput.Column(ws.Run("job", "list", "--output", "json"), "id")[0];

    private (int Written, int Deleted) Egressed(string job)
    {
        var egress = JsonOutput.Parse(ws.Run("job", "inspect", job, "--output", "json")).GetProperty("egress");
        return (egress.GetProperty("written").GetInt32(), egress.GetProperty("deleted").GetInt32());
    }

    private static string[] Files(string folder) =>
        [.. Directory.GetFiles(folder, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(folder, f)).Order(StringComparer.Ordinal)];
}
