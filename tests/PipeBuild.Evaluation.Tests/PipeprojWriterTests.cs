using PipeBuild.Core;
using PipeBuild.Core.Pipelines;
using Snapshooter;
using Snapshooter.Xunit;

namespace PipeBuild.Evaluation.Tests;

public sealed class PipeprojWriterTests : IDisposable
{
    private readonly TestFiles files = new();

    public static TheoryData<string> SeedFiles => new()
    {
        "000-housing-prices-intermediate/data_analysis.json",
        "000-housing-prices-intermediate/split.json",
        "000-housing-prices-intermediate/regression.json",
        "001-iris/python_train.json",
        "001-iris/python_infer.json",
        "003-go-regression/train.json",
        "003-go-regression/pipeline.json",
        "004-hyperparameter/split.json",
        "004-hyperparameter/model.json",
        "004-hyperparameter/test.json",
        "004-hyperparameter/select.json",
    };

    [Theory]
    [MemberData(nameof(SeedFiles))]
    public void Convert_output_of_seed_specs_matches_the_snapshot(string file)
    {
        var specs = PipelineLoader.LoadAll(TestFiles.Seed(file));

        foreach (var spec in specs)
        {
            var text = PipeprojWriter.Write(spec);

            // Named explicitly (one snapshot per seed spec) and stored in the source tree, found without the PDB.
            var name = $"{nameof(PipeprojWriterTests)}.Convert.{file.Replace('/', '.').Replace(".json", "", StringComparison.Ordinal)}.{spec.Name}";
            Snapshot.Match(text, new SnapshotFullName(name + ".snap", TestFiles.ProjectDirectory));
        }

        Assert.NotEmpty(specs);
    }

    [Theory]
    [MemberData(nameof(SeedFiles))]
    public void Converted_seed_specs_evaluate_to_the_same_spec(string file)
    {
        foreach (var spec in PipelineLoader.LoadAll(TestFiles.Seed(file)))
        {
            var path = files.Write($"{spec.Name}/{spec.Name}.pipeproj", PipeprojWriter.Write(spec, files.Root));

            var evaluated = PipelineLoader.Load(path);

            Assert.Equal(TestFiles.Canonical(spec), TestFiles.Canonical(evaluated));
            Assert.Equal(path, evaluated.SourceFile);
        }
    }

    [Fact]
    public void Everything_msbuild_would_expand_round_trips()
    {
        files.Write("p/code/it's $(x).py", "");
        var spec = new PipelineSpec
        {
            Name = "tricky",
            Description = "  Two lines:\n  $(NotAProperty) and 100%25 @(NotAnItem)",
            Command = ["python3", "/code/my script.py", "--pattern", "*.csv;*.tsv", "it's", "", "$(basename \"$f\")", "%(x)", "line\nbreak"],
            Stdin = ["filename=$(basename \"$f\")", "  indented", "", "echo 100%41 @(x) %(y)", "<xml> & \"quotes\""],
            Input = new CrossInput(
            [
                new JoinInput([new PfsInput("a", "/(*).csv") { JoinOn = "$1", OuterJoin = true }, new PfsInput("b", "/(*).txt", "dev", "bee") { JoinOn = "$1", EmptyFiles = true }]),
                new UnionInput([new PfsInput("c", "/my dir/*"), new GroupInput([new PfsInput("d", "/(*)-*.log") { GroupBy = "$1" }])]),
                new CrossInput([new PfsInput("e", "/{x,y}/*")]),
            ]),
            Env = [new("A", "$(HOME) %24 @(x)"), new("B", "multi\nline"), new("EMPTY", "")],
            Image = "registry.example/x:1.0",
            Parallelism = 6,
            DatumTries = 1,
            Executor = "kubernetes",
            TransformFiles = [Path.Combine(files.Root, "p", "code", "it's $(x).py")],
            AcceptReturnCodes = [1, -2],
            DatumTimeout = TimeSpan.FromMilliseconds(1500),
            Egress = EgressUrl.Parse("file:///srv/$(out)/100%41 @(x)"),
            JobTimeout = TimeSpan.FromMinutes(10),
        };
        var path = files.Write("p/tricky.pipeproj", PipeprojWriter.Write(spec, Path.Combine(files.Root, "p")));

        var evaluated = PipeprojEvaluator.Evaluate(path);

        Assert.Equal(TestFiles.Canonical(spec), TestFiles.Canonical(evaluated));
    }

    [Fact]
    public void Inputs_written_as_items_keep_OuterJoin_and_EmptyFiles()
    {
        var spec = new PipelineSpec
        {
            Name = "names",
            Command = ["sh", "-c", "ls /pfs/a"],
            Input = new JoinInput([new PfsInput("a", "/(*).csv") { JoinOn = "$1", OuterJoin = true, EmptyFiles = true }, new PfsInput("b", "/(*).txt") { JoinOn = "$1" }]),
        };
        var text = PipeprojWriter.Write(spec);
        var path = files.Write("names/names.pipeproj", text);

        Assert.Contains("EmptyFiles=\"true\"", text);
        Assert.Equal(TestFiles.Canonical(spec), TestFiles.Canonical(PipeprojEvaluator.Evaluate(path)));
    }

    [Fact]
    public void An_output_branch_and_inputs_on_other_branches_round_trip()
    {
        var spec = new PipelineSpec
        {
            Name = "staged",
            Command = ["sh", "-c", "cp -r /pfs/a /pfs/b /pfs/out/"],
            OutputBranch = "dev",
            Input = new CrossInput([new PfsInput("a", "/*", "dev"), new PfsInput("b", "/*", "main")]),
        };
        var path = files.Write("branches/staged.pipeproj", PipeprojWriter.Write(spec, defaultBranch: "main"));

        var evaluated = PipeprojEvaluator.Evaluate(path, defaultBranch: "main");

        Assert.Equal(TestFiles.Canonical(spec), TestFiles.Canonical(evaluated));
    }

    [Fact]
    public void Secrets_round_trip_as_PipeSecret_items()
    {
        var spec = new PipelineSpec
        {
            Name = "login",
            Command = ["sh", "-c", "ls /var/secrets/tls"],
            Input = new PfsInput("data", "/*"),
            Secrets = [new("db-creds", "password", "DB_PASSWORD"), new("tls", MountPath: "/var/secrets/tls"), new("api", "token", "TOKEN", "/var/secrets/api")],
        };
        var text = PipeprojWriter.Write(spec);
        var path = files.Write("login/login.pipeproj", text);

        Assert.Contains("<PipeSecret Include=\"db-creds\" Key=\"password\" EnvVar=\"DB_PASSWORD\" />", text);
        Assert.Equal(TestFiles.Canonical(spec), TestFiles.Canonical(PipeprojEvaluator.Evaluate(path)));
    }

    [Fact]
    public void An_input_trigger_round_trips_as_PipeInput_metadata()
    {
        var spec = new PipelineSpec
        {
            Name = "batched",
            Command = ["sh", "-c", "ls /pfs/data"],
            Input = new PfsInput("data", "/*", "staging") { Trigger = new BranchTrigger("master") { Size = "1M", Commits = 3, Cron = "@every 1h", All = true } },
        };
        var text = PipeprojWriter.Write(spec);
        var path = files.Write("batched/batched.pipeproj", text);

        Assert.Contains("Trigger=\"master\" TriggerSize=\"1M\" TriggerCommits=\"3\" TriggerCron=\"@every 1h\" TriggerAll=\"true\"", text);
        Assert.Equal(TestFiles.Canonical(spec), TestFiles.Canonical(PipeprojEvaluator.Evaluate(path)));
    }

    [Theory]
    [InlineData(new[] { "sh", "-c", "python3 x.py | tee /pfs/out/log" }, null, "python3 x.py | tee /pfs/out/log")]
    [InlineData(new[] { "bash", "-c", "for f in /pfs/in/*\ndo\n  cat $f\ndone\n" }, "bash", null)]
    [InlineData(new[] { "python3", "/code/pytrain.py", "/pfs/training/" }, "none", "python3 /code/pytrain.py /pfs/training/")]
    public void Commands_are_written_as_a_shell_script_when_they_are_one(string[] argv, string? shell, string? command)
    {
        var spec = new PipelineSpec { Name = "p", Command = argv, Input = new PfsInput("a", "/*") };
        var text = PipeprojWriter.Write(spec);
        var path = files.Write($"p{argv.Length}{shell}/p.pipeproj", text);

        var evaluated = PipeprojEvaluator.Evaluate(path);

        Assert.Equal(argv, evaluated.Command);
        var shellLine = text.Split('\n').Select(l => l.Trim()).SingleOrDefault(l => l.StartsWith("<CommandShell>", StringComparison.Ordinal));
        Assert.Equal(shell is null ? null : $"<CommandShell>{shell}</CommandShell>", shellLine);
        if (command is not null)
        {
            Assert.Contains($"<Command>{command}</Command>", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_pipeproj_converted_back_evaluates_to_itself()
    {
        files.Write("p/regression.py", "");
        var original = PipeprojEvaluator.Evaluate(files.Write("p/regression.pipeproj", """
            <Project Sdk="PipeBuild.Sdk">
              <PropertyGroup>
                <Description>Fit a random forest on the training split.</Description>
                <Image>python:3.11-slim</Image>
                <Command>python3 regression.py /pfs/split/ /pfs/out/</Command>
                <Parallelism>4</Parallelism>
                <Executor>docker</Executor>
              </PropertyGroup>
              <ItemGroup>
                <PipeInput Include="split" Glob="/*" />
                <PipeInput Include="params" Glob="/*" Combine="cross" />
                <TransformFile Include="regression.py" />
                <PipeEnv Include="SEED" Value="42" />
              </ItemGroup>
            </Project>
            """));
        var copy = files.Write("p/copy.pipeproj", PipeprojWriter.Write(original with { Name = "copy" }, Path.Combine(files.Root, "p")));

        var evaluated = PipeprojEvaluator.Evaluate(copy);

        Assert.Equal(TestFiles.Canonical(original with { Name = "copy" }), TestFiles.Canonical(evaluated));
        Assert.Contains("<TransformFile Include=\"regression.py\" />", File.ReadAllText(copy), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("false", false)]
    public void Datum_batching_maps_from_pachyderm_json_to_a_pipeproj_and_back(string json, bool batching)
    {
        var spec = Assert.Single(PachydermSpecReader.Parse(
            """{"pipeline": {"name": "batched"}, "transform": {"cmd": ["python3", "/code/loop.py"], "datum_batching": """ + json + """},"""
            + """ "input": {"pfs": {"repo": "data", "glob": "/*"}}}"""));
        var text = PipeprojWriter.Write(spec);

        var evaluated = PipeprojEvaluator.Evaluate(files.Write($"p-{json}/batched.pipeproj", text));

        Assert.Equal(batching, spec.DatumBatching);
        Assert.Equal(batching, text.Contains("<DatumBatching>true</DatumBatching>", StringComparison.Ordinal));
        Assert.Equal(TestFiles.Canonical(spec), TestFiles.Canonical(evaluated));
    }

    public void Dispose() => files.Dispose();
}
