namespace PipeBuild.Cli.Tests;

/// <summary>What loading a Pachyderm spec file tells a user moving it over.</summary>
public sealed class PachydermSpecFileTests : IDisposable
{
    private readonly TempWorkspace ws = new();

    [Fact]
    public void Settings_with_no_effect_here_are_named_on_stderr()
    {
        ws.Write("train.json", """
            { "pipeline": { "name": "train" }, "transform": { "cmd": ["python3", "/train.py"] }, "input": { "pfs": { "repo": "data", "glob": "/" } },
              "resource_limits": { "gpu": { "type": "nvidia.com/gpu", "number": 1 } }, "autoscaling": true }
            """);

        var result = ws.Run("pipeline", "inspect", "-f", "train.json").ShouldSucceed();

        Assert.Contains("train.json: accepted and ignored, with no effect in PipeBuild: autoscaling, resource_limits.gpu.", result.Stderr);
        Assert.DoesNotContain("ignored", result.Stdout);
    }

    [Fact]
    public void Specs_between_dashed_lines_all_run()
    {
        ws.Run("repo", "create", "words").ShouldSucceed();
        ws.Run("file", "put", "words@master:a.txt", "-f", ws.Write("in/a.txt", "alpha\n"), "--no-run").ShouldSucceed();
        ws.Write("two.json", """
            ---
            { "pipeline": { "name": "upper" }, "transform": { "cmd": ["sh", "-c", "tr a-z A-Z < /pfs/words/a.txt > /pfs/out/a.txt"] }, "input": { "pfs": { "repo": "words", "glob": "/" } } }
            ---
            { "pipeline": { "name": "count" }, "transform": { "cmd": ["sh", "-c", "wc -c < /pfs/upper/a.txt > /pfs/out/n"] }, "input": { "pfs": { "repo": "upper", "glob": "/" } } }
            """);

        ws.Run("run", "-f", "two.json").ShouldSucceed();

        Assert.Equal("ALPHA\n", ws.Run("file", "get", "upper@master:a.txt").ShouldSucceed().Stdout);
        Assert.Equal("6", ws.Run("file", "get", "count@master:n").ShouldSucceed().Stdout.Trim());
    }

    private const string Upper = """{ "pipeline": { "name": "upper" }, "transform": { "cmd": ["sh", "-c", "tr a-z A-Z < /pfs/words/a.txt > /pfs/out/a.txt"] }, "input": { "pfs": { "repo": "words", "glob": "/" } } }""";

    private const string Count = """{ "pipeline": { "name": "count" }, "transform": { "cmd": ["sh", "-c", "wc -c < /pfs/upper/a.txt > /pfs/out/n"] }, "input": { "pfs": { "repo": "upper", "glob": "/" } } }""";

    /// <summary>Two specs, the second reading the first's output, written as pachctl takes them.</summary>
    public static TheoryData<string> TwoSpecs() => new()
    {
        $"---\n{Count}\n---\n{Upper}\n", // the reader first: registered together, the order of the file does not matter
        $"{Upper}{Count}",
        $"{Upper}\n\n{Count}\n",
    };

    [Theory]
    [MemberData(nameof(TwoSpecs))]
    public void Pipeline_create_of_a_file_with_two_specs_registers_and_runs_both(string json)
    {
        PutWords();
        ws.Write("two.json", json);

        var created = ws.Run("pipeline", "create", "-f", "two.json").ShouldSucceed().Stdout;

        Assert.Contains("created pipeline 'upper' (version 1), output repo 'upper'", created);
        Assert.Contains("created pipeline 'count' (version 1), output repo 'count'", created);
        Assert.Equal(["count", "upper"], JsonOutput.Column(ws.Run("pipeline", "list", "--output", "json"), "name"));
        Assert.Equal("ALPHA\n", ws.Run("file", "get", "upper@master:a.txt").ShouldSucceed().Stdout);
        Assert.Equal("6", ws.Run("file", "get", "count@master:n").ShouldSucceed().Stdout.Trim());
        Assert.Equal(2, JsonOutput.Parse(ws.Run("job", "list", "--output", "json")).GetArrayLength()); // each ran once
    }

    [Fact]
    public void Pipeline_update_of_a_file_with_two_specs_updates_both()
    {
        PutWords();
        ws.Write("two.json", $"{Upper}\n---\n{Count}\n");
        ws.Run("pipeline", "create", "-f", "two.json").ShouldSucceed();
        ws.Write("two.json", $"{Upper.Replace("tr a-z A-Z", "rev", StringComparison.Ordinal)}\n---\n{Count.Replace("wc -c", "wc -l", StringComparison.Ordinal)}\n");

        var updated = ws.Run("pipeline", "update", "-f", "two.json", "--reprocess").ShouldSucceed().Stdout;

        Assert.Contains("updated pipeline 'upper' (version 2)", updated);
        Assert.Contains("updated pipeline 'count' (version 2)", updated);
        Assert.Equal(["2", "2"], JsonOutput.Column(ws.Run("pipeline", "list", "--output", "json"), "version"));
        Assert.Equal("ahpla\n", ws.Run("file", "get", "upper@master:a.txt").ShouldSucceed().Stdout);
        Assert.Equal("1", ws.Run("file", "get", "count@master:n").ShouldSucceed().Stdout.Trim());
    }

    [Fact]
    public void Pipeline_inspect_of_a_file_with_two_specs_shows_each()
    {
        ws.Write("two.json", $"{Upper}\n---\n{Count}\n");

        var table = ws.Run("pipeline", "inspect", "-f", "two.json").ShouldSucceed().Stdout;
        var json = JsonOutput.Parse(ws.Run("pipeline", "inspect", "-f", "two.json", "--output", "json"));

        Assert.Equal(2, table.Split('\n').Count(l => l.StartsWith("FIELD", StringComparison.Ordinal)));
        Assert.True(table.IndexOf("upper", StringComparison.Ordinal) < table.IndexOf("count", StringComparison.Ordinal), table);
        Assert.Equal(["upper", "count"], json.EnumerateArray().Select(s => s.GetProperty("name").GetString()));
        Assert.Equal("[]", ws.Run("pipeline", "list", "--output", "json").ShouldSucceed().Stdout.Trim()); // nothing registered
    }

    /// <summary>A good first spec and a bad second one: the code, and where the message must point (line 2 is the second spec).</summary>
    public static TheoryData<string, string, string> BadSecondSpecs() => new()
    {
        { Count.Replace("\"transform\"", "\"parallelism_spec\": { \"constant\": \"x\" }, \"transform\"", StringComparison.Ordinal), "PIPE2002", "two.json(2," },
        { Count.Replace("\"repo\": \"upper\"", "\"repo\": \"nope\"", StringComparison.Ordinal), "PIPE4003", "two.json(2," },
        { Count.Replace("\"repo\": \"upper\"", "\"repo\": \"count\"", StringComparison.Ordinal), "PIPE4004", "two.json(2," },
        { Count.Replace("count", "words", StringComparison.Ordinal).Replace("\"repo\": \"upper\"", "\"repo\": \"words\"", StringComparison.Ordinal), "PIPE4004", "two.json(2," }, // the first spec names words too
        { Upper, "PIPE2002", "two.json(2," },
        { Count.Replace("\"name\": \"count\"", "\"name\": \"bad name\"", StringComparison.Ordinal), "PIPE2002", "two.json(2," },
    };

    [Theory]
    [MemberData(nameof(BadSecondSpecs))]
    public void A_file_whose_second_spec_is_bad_registers_neither(string second, string code, string where)
    {
        PutWords();
        ws.Write("two.json", $"{Upper}\n{second}\n");
        var before = ws.StoreFingerprint();

        var error = ws.Run("pipeline", "create", "-f", "two.json").ShouldFailWith(code).Stderr;

        Assert.Contains(where, error);
        Assert.Equal("[]", ws.Run("pipeline", "list", "--output", "json").ShouldSucceed().Stdout.Trim());
        Assert.Equal(before, ws.StoreFingerprint());
    }

    [Fact]
    public void An_update_of_two_specs_one_not_registered_updates_neither()
    {
        PutWords();
        ws.Write("one.json", Upper);
        ws.Run("pipeline", "create", "-f", "one.json").ShouldSucceed();
        ws.Write("two.json", $"{Upper.Replace("tr a-z A-Z", "rev", StringComparison.Ordinal)}\n{Count}\n");
        var before = ws.StoreFingerprint();

        Assert.Contains("two.json: error PIPE4001: pipeline 'count' not found", ws.Run("pipeline", "update", "-f", "two.json").ShouldFailWith("PIPE4001").Stderr);
        Assert.Equal(before, ws.StoreFingerprint());
        Assert.Equal(["1"], JsonOutput.Column(ws.Run("pipeline", "list", "--output", "json"), "version"));
    }

    [Fact]
    public void Two_specs_of_one_name_are_refused_by_create_and_by_run_as_two_files_of_one_name_are()
    {
        PutWords();
        ws.Write("twice.json", $"{Upper}\n---\n{Upper.Replace("tr a-z A-Z", "rev", StringComparison.Ordinal)}\n");
        ws.Write("a.json", Upper);
        ws.Write("b.json", Upper);
        var before = ws.StoreFingerprint();

        foreach (var command in new[] { "pipeline create", "pipeline update", "pipeline inspect", "run" })
        {
            var error = ws.Run([.. command.Split(' '), "-f", "twice.json"]).ShouldFailWith("PIPE2002").Stderr;
            Assert.Contains("twice.json(3,25): error PIPE2002: a second spec of pipeline 'upper' (the first is on line 1).", error);
        }

        Assert.Contains("b.json: error PIPE2002: pipeline 'upper' is defined in a.json too.", ws.Run("run", "-f", "a.json", "-f", "b.json").ShouldFailWith("PIPE2002").Stderr);
        Assert.Equal(before, ws.StoreFingerprint());
    }

    private void PutWords()
    {
        ws.Run("repo", "create", "words").ShouldSucceed();
        ws.Run("file", "put", "words@master:a.txt", "-f", ws.Write("in/a.txt", "alpha\n"), "--no-run").ShouldSucceed();
    }

    public void Dispose() => ws.Dispose();
}
