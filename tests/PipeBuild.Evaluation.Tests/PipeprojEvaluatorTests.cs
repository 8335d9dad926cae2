using PipeBuild.Core;
using PipeBuild.Core.Pipelines;

namespace PipeBuild.Evaluation.Tests;

public sealed class PipeprojEvaluatorTests : IDisposable
{
    private const string MinimalBody = """
          <PropertyGroup>
            <Command>python3 regression.py /pfs/split/ /pfs/out/</Command>
          </PropertyGroup>
          <ItemGroup>
            <PipeInput Include="split" Glob="/*" />
          </ItemGroup>
        """;

    private readonly TestFiles files = new();

    [Fact]
    public void Sdk_project_gets_the_sdk_defaults()
    {
        var path = files.Write("p/regression.pipeproj", $"<Project Sdk=\"PipeBuild.Sdk\">\n{MinimalBody}\n</Project>");

        var spec = PipeprojEvaluator.Evaluate(path);

        Assert.Equal("regression", spec.Name);
        Assert.Equal(["sh", "-c", "python3 regression.py /pfs/split/ /pfs/out/"], spec.Command);
        Assert.Equal(new PfsInput("split", "/*"), Assert.IsType<PfsInput>(spec.Input));
        Assert.Equal(3, spec.DatumTries);
        Assert.Equal("local", spec.Executor);
        Assert.Equal(0, spec.Parallelism);
        Assert.Null(spec.Description);
        Assert.Null(spec.Image);
        Assert.Null(spec.DatumTimeout);
        Assert.Null(spec.JobTimeout);
        Assert.Empty(spec.Stdin);
        Assert.Empty(spec.Env);
        Assert.Empty(spec.TransformFiles);
        Assert.Empty(spec.AcceptReturnCodes);
        Assert.Equal(path, spec.SourceFile);
        Assert.Equal(Path.GetDirectoryName(path), spec.WorkingDirectory);
    }

    [Fact]
    public void Project_without_the_sdk_gets_the_same_defaults_and_a_root_glob()
    {
        var spec = Evaluate("""
            <Project>
              <PropertyGroup>
                <Command>echo hi</Command>
              </PropertyGroup>
              <ItemGroup>
                <PipeInput Include="images" />
              </ItemGroup>
            </Project>
            """, "plain/edges.pipeproj");

        Assert.Equal("edges", spec.Name);
        Assert.Equal(3, spec.DatumTries);
        Assert.Equal("local", spec.Executor);
        Assert.Equal(new PfsInput("images", "/"), spec.Input);
    }

    [Fact]
    public void Design_example_reads_every_property_and_item()
    {
        files.Write("p/regression.py", "print('fit')\n");
        var spec = Evaluate("""
            <Project Sdk="PipeBuild.Sdk">
              <PropertyGroup>
                <PipelineName>fit-forest</PipelineName>
                <Description>Fit a random forest on the training split.</Description>
                <Image>python:3.11-slim</Image>
                <Command>python3 regression.py /pfs/split/ /pfs/out/</Command>
                <Parallelism>4</Parallelism>
                <DatumTries>5</DatumTries>
                <Executor>Docker</Executor>
                <DatumTimeout>90</DatumTimeout>
                <JobTimeout>2h</JobTimeout>
                <AcceptReturnCode>1; 3</AcceptReturnCode>
              </PropertyGroup>
              <ItemGroup>
                <PipeInput Include="split" Glob="/*" Branch="staging" Name="train" />
                <TransformFile Include="regression.py" />
                <PipeEnv Include="SEED" Value="42" />
                <PipeEnv Include="MODE" Value="fast" />
              </ItemGroup>
            </Project>
            """);

        Assert.Equal("fit-forest", spec.Name);
        Assert.Equal("Fit a random forest on the training split.", spec.Description);
        Assert.Equal("python:3.11-slim", spec.Image);
        Assert.Equal(4, spec.Parallelism);
        Assert.Equal(5, spec.DatumTries);
        Assert.Equal("docker", spec.Executor);
        Assert.Equal(TimeSpan.FromSeconds(90), spec.DatumTimeout);
        Assert.Equal(TimeSpan.FromHours(2), spec.JobTimeout);
        Assert.Equal([1, 3], spec.AcceptReturnCodes);
        Assert.Equal(new PfsInput("split", "/*", "staging", "train"), spec.Input);
        Assert.Equal([Path.Combine(files.Root, "p", "regression.py")], spec.TransformFiles);
        Assert.Equal([new("SEED", "42"), new("MODE", "fast")], spec.Env);
    }

    [Fact]
    public void Conditions_see_global_properties()
    {
        const string Xml = """
            <Project Sdk="PipeBuild.Sdk">
              <PropertyGroup>
                <Command>run</Command>
                <Executor Condition="'$(Stage)' == 'prod'">kubernetes</Executor>
                <Parallelism Condition="'$(Stage)' != 'prod'">1</Parallelism>
              </PropertyGroup>
              <ItemGroup>
                <PipeInput Include="events" Glob="/*" />
                <PipeInput Include="replay" Glob="/*" Combine="union" Condition="'$(Stage)' == 'prod'" />
              </ItemGroup>
            </Project>
            """;
        var dev = Evaluate(Xml);
        var prod = PipelineLoader.Load(files.Write("p/regression.pipeproj", Xml), new Dictionary<string, string> { ["Stage"] = "prod" });

        Assert.Equal("local", dev.Executor);
        Assert.Equal(1, dev.Parallelism);
        Assert.IsType<PfsInput>(dev.Input);
        Assert.Equal("kubernetes", prod.Executor);
        Assert.Equal(0, prod.Parallelism);
        Assert.IsType<CrossInput>(prod.Input);
    }

    [Fact]
    public void Property_functions_are_evaluated()
    {
        var spec = Evaluate("""
            <Project Sdk="PipeBuild.Sdk">
              <PropertyGroup>
                <Command>python3 $([System.IO.Path]::Combine('code', 'fit.py')) --stage $(PipelineName.ToUpperInvariant())</Command>
                <Parallelism>$([System.Math]::Max(2,4))</Parallelism>
                <DatumTries>$([MSBuild]::Add(2, 3))</DatumTries>
              </PropertyGroup>
              <ItemGroup>
                <PipeInput Include="split" Glob="/*" />
              </ItemGroup>
            </Project>
            """);

        Assert.Equal(4, spec.Parallelism);
        Assert.Equal(5, spec.DatumTries);
        Assert.Equal("python3 code/fit.py --stage REGRESSION", spec.Command[2]);
    }

    [Fact]
    public void Directory_build_props_shares_settings_and_the_project_overrides_them()
    {
        files.Write("Directory.Build.props", """
            <Project>
              <PropertyGroup>
                <Image>python:3.11-slim</Image>
                <DatumTries>7</DatumTries>
                <Executor>docker</Executor>
              </PropertyGroup>
              <ItemGroup>
                <PipeEnv Include="TEAM" Value="ml" />
              </ItemGroup>
            </Project>
            """);
        var shared = Evaluate($"<Project Sdk=\"PipeBuild.Sdk\">\n{MinimalBody}\n</Project>", "pipelines/a/one.pipeproj");
        var own = Evaluate($"""
            <Project Sdk="PipeBuild.Sdk">
              <PropertyGroup>
                <Executor>local</Executor>
              </PropertyGroup>
            {MinimalBody}
            </Project>
            """, "pipelines/b/two.pipeproj");

        Assert.Equal("python:3.11-slim", shared.Image);
        Assert.Equal(7, shared.DatumTries);
        Assert.Equal("docker", shared.Executor);
        Assert.Equal([new("TEAM", "ml")], shared.Env);
        Assert.Equal("python:3.11-slim", own.Image);
        Assert.Equal("local", own.Executor);
    }

    [Fact]
    public void Imports_bring_in_properties_and_items()
    {
        files.Write("shared/python.props", """
            <Project>
              <PropertyGroup>
                <Image>python:3.12</Image>
                <Command>python3 /code/$(PipelineName).py</Command>
              </PropertyGroup>
              <ItemGroup>
                <PipeEnv Include="PYTHONUNBUFFERED" Value="1" />
              </ItemGroup>
            </Project>
            """);
        var spec = Evaluate("""
            <Project Sdk="PipeBuild.Sdk">
              <Import Project="../shared/python.props" />
              <ItemGroup>
                <PipeInput Include="raw" Glob="/*.csv" />
              </ItemGroup>
            </Project>
            """, "p/clean.pipeproj");

        Assert.Equal("python:3.12", spec.Image);
        Assert.Equal(["sh", "-c", "python3 /code/clean.py"], spec.Command);
        Assert.Equal([new("PYTHONUNBUFFERED", "1")], spec.Env);
    }

    [Fact]
    public void InputExpression_cross_reads_both_inputs()
    {
        var spec = Evaluate(WithInputExpression("cross(split:/*, parameters:/c_parameters.txt/*)"));

        var cross = Assert.IsType<CrossInput>(spec.Input);
        Assert.Equal([new PfsInput("split", "/*"), new PfsInput("parameters", "/c_parameters.txt/*")], cross.Inputs);
    }

    [Fact]
    public void InputExpression_nests_union_cross_and_join()
    {
        var spec = Evaluate(WithInputExpression(
            "union(cross(train=split@v2:/train/*, model:/), join(a:/(*).csv joinOn=$1 outer, b:/(*).json joinOn=$1))"));

        var union = Assert.IsType<UnionInput>(spec.Input);
        var cross = Assert.IsType<CrossInput>(union.Inputs[0]);
        Assert.Equal([new PfsInput("split", "/train/*", "v2", "train"), new PfsInput("model", "/")], cross.Inputs);
        var join = Assert.IsType<JoinInput>(union.Inputs[1]);
        Assert.Equal(new PfsInput("a", "/(*).csv") { JoinOn = "$1", OuterJoin = true }, join.Inputs[0]);
        Assert.Equal(new PfsInput("b", "/(*).json") { JoinOn = "$1" }, join.Inputs[1]);
    }

    [Fact]
    public void Items_without_combine_are_crossed()
    {
        var spec = Evaluate(WithItems("""
            <PipeInput Include="attributes" Glob="/*" />
            <PipeInput Include="model" Glob="/" />
            """));

        var cross = Assert.IsType<CrossInput>(spec.Input);
        Assert.Equal([new PfsInput("attributes", "/*"), new PfsInput("model", "/")], cross.Inputs);
    }

    [Fact]
    public void Items_combine_as_union_join_and_group()
    {
        var union = Evaluate(WithItems("""
            <PipeInput Include="a" Glob="/*" Combine="union" />
            <PipeInput Include="b" Glob="/*" Combine="Union" />
            """));
        var join = Evaluate(WithItems("""
            <PipeInput Include="left" Glob="/(*).csv" Combine="join" JoinOn="$1" OuterJoin="true" />
            <PipeInput Include="right" Glob="/(*).txt" Combine="join" JoinOn="$1" EmptyFiles="True" />
            """));
        var group = Evaluate(WithItems("""
            <PipeInput Include="logs" Glob="/(*)-*.log" Combine="group" GroupBy="$1" />
            """));

        Assert.Equal([new PfsInput("a", "/*"), new PfsInput("b", "/*")], Assert.IsType<UnionInput>(union.Input).Inputs);
        Assert.Equal(
            [new PfsInput("left", "/(*).csv") { JoinOn = "$1", OuterJoin = true }, new PfsInput("right", "/(*).txt") { JoinOn = "$1", EmptyFiles = true }],
            Assert.IsType<JoinInput>(join.Input).Inputs);
        Assert.Equal([new PfsInput("logs", "/(*)-*.log") { GroupBy = "$1" }], Assert.IsType<GroupInput>(group.Input).Inputs);
    }

    [Fact]
    public void Trigger_metadata_sets_the_input_branchs_trigger()
    {
        var spec = Evaluate(WithItems("""<PipeInput Include="data" Glob="/*" Branch="staging" Trigger="master" TriggerCommits="3" TriggerSize="100MB" />"""));

        Assert.Equal(new PfsInput("data", "/*", "staging") { Trigger = new BranchTrigger("master") { Commits = 3, Size = "100MB" } }, spec.Input);
    }

    [Fact]
    public void Items_of_different_kinds_are_crossed_kind_by_kind()
    {
        var spec = Evaluate(WithItems("""
            <PipeInput Include="left" Glob="/(*).csv" Combine="join" JoinOn="$1" />
            <PipeInput Include="params" Glob="/*" />
            <PipeInput Include="right" Glob="/(*).txt" Combine="join" JoinOn="$1" />
            """));

        var cross = Assert.IsType<CrossInput>(spec.Input);
        Assert.Equal(2, cross.Inputs.Count);
        Assert.Equal(["left", "right"], Assert.IsType<JoinInput>(cross.Inputs[0]).Inputs.Select(i => i.Repo));
        Assert.Equal(new PfsInput("params", "/*"), cross.Inputs[1]);
    }

    [Fact]
    public void TransformFiles_become_absolute_and_wildcards_expand()
    {
        files.Write("p/code/a.py", "");
        files.Write("p/code/b.py", "");
        files.Write("p/requirements.txt", "");
        var spec = Evaluate(WithItems("""
            <PipeInput Include="split" Glob="/*" />
            <TransformFile Include="code/*.py;requirements.txt" />
            <TransformFile Include="$(MSBuildProjectDirectory)/requirements.txt" />
            """));

        Assert.Equal(
            [Path.Combine(files.Root, "p", "code", "a.py"), Path.Combine(files.Root, "p", "code", "b.py"), Path.Combine(files.Root, "p", "requirements.txt")],
            spec.TransformFiles.Order(StringComparer.Ordinal));
        Assert.All(spec.TransformFiles, f => Assert.True(Path.IsPathFullyQualified(f)));
    }

    [Fact]
    public void PipeEnv_later_definition_wins()
    {
        var spec = Evaluate(WithItems("""
            <PipeInput Include="split" Glob="/*" />
            <PipeEnv Include="SEED" Value="1" />
            <PipeEnv Include="LEVEL" Value="debug" />
            <PipeEnv Include="SEED" Value="2" />
            """));

        Assert.Equal([new("SEED", "2"), new("LEVEL", "debug")], spec.Env);
    }

    [Fact]
    public void Stdin_and_command_blocks_lose_their_xml_indentation()
    {
        var spec = Evaluate("""
            <Project Sdk="PipeBuild.Sdk">
              <PropertyGroup>
                <Command>
                  bash
                </Command>
                <CommandShell>none</CommandShell>
                <Stdin>
                  for f in /pfs/model/*
                  do
                    echo "$f"
                  done
                </Stdin>
              </PropertyGroup>
              <ItemGroup>
                <PipeInput Include="model" Glob="/" />
              </ItemGroup>
            </Project>
            """);

        Assert.Equal(["bash"], spec.Command);
        Assert.Equal(["for f in /pfs/model/*", "do", "  echo \"$f\"", "done"], spec.Stdin);
    }

    [Fact]
    public void CommandShell_none_splits_words_like_a_shell_without_expansion()
    {
        var spec = Evaluate(WithCommand("python3 '/code/my script.py' --name \"a \\\"b\\\"\" $HOME", "none"));

        Assert.Equal(["python3", "/code/my script.py", "--name", "a \"b\"", "$HOME"], spec.Command);
    }

    [Fact]
    public void CommandShell_names_the_shell_that_runs_the_command()
    {
        var spec = Evaluate(WithCommand("shopt -s globstar; ls /pfs/in/**", "bash"));

        Assert.Equal(["bash", "-c", "shopt -s globstar; ls /pfs/in/**"], spec.Command);
    }

    [Fact]
    public void DatumTimeout_and_JobTimeout_accept_durations()
    {
        var spec = Evaluate(WithCommand("run", extraProperties: "<DatumTimeout>1m30s</DatumTimeout><JobTimeout>1.5</JobTimeout>"));

        Assert.Equal(TimeSpan.FromSeconds(90), spec.DatumTimeout);
        Assert.Equal(TimeSpan.FromSeconds(1.5), spec.JobTimeout);
    }

    [Fact]
    public void Global_properties_override_the_project()
    {
        var path = files.Write("p/regression.pipeproj", $"<Project Sdk=\"PipeBuild.Sdk\">\n{MinimalBody}\n</Project>");

        var spec = PipelineLoader.Load(path, new Dictionary<string, string> { ["Image"] = "python:3.13", ["Parallelism"] = "8" });

        Assert.Equal("python:3.13", spec.Image);
        Assert.Equal(8, spec.Parallelism);
    }

    [Theory]
    [InlineData("MSBuildProjectFile")]
    [InlineData("msbuildthisfile")]
    public void A_global_property_named_as_one_msbuild_reserves_is_PIPE2002_naming_it(string name)
    {
        var path = files.Write("p/regression.pipeproj", $"<Project Sdk=\"PipeBuild.Sdk\">\n{MinimalBody}\n</Project>");

        var e = Assert.Throws<PipeException>(() => PipelineLoader.Load(path, new Dictionary<string, string> { ["Image"] = "python:3.13", [name] = "y" }));

        Assert.Equal(ErrorCodes.InvalidPipelineValue, e.Code);
        Assert.Equal($"{path}: -p:{name}: '{name}' is a property name reserved by MSBuild, which sets it itself; it cannot be given with -p. Use another name.", e.Message);
    }

    [Fact]
    public void Environment_variables_do_not_set_pipeline_properties()
    {
        var path = files.Write("p/regression.pipeproj", $"<Project Sdk=\"PipeBuild.Sdk\">\n{MinimalBody}\n</Project>");
        Environment.SetEnvironmentVariable("Executor", "ssh");
        Environment.SetEnvironmentVariable("DatumTries", "not-a-number");
        try
        {
            var spec = PipeprojEvaluator.Evaluate(path);

            Assert.Equal("local", spec.Executor);
            Assert.Equal(3, spec.DatumTries);
        }
        finally
        {
            Environment.SetEnvironmentVariable("Executor", null);
            Environment.SetEnvironmentVariable("DatumTries", null);
        }
    }

    [Fact]
    public void Evaluating_again_sees_the_file_as_it_is_now()
    {
        var path = files.Write("p/regression.pipeproj", WithCommand("first"));
        var first = PipeprojEvaluator.Evaluate(path);
        File.WriteAllText(path, WithCommand("second"));

        var second = PipeprojEvaluator.Evaluate(path);

        Assert.Equal("first", first.Command[2]);
        Assert.Equal("second", second.Command[2]);
    }

    [Fact]
    public async Task Evaluations_from_many_threads_all_succeed()
    {
        var paths = Enumerable.Range(0, 8).Select(i => files.Write($"p{i}/pipeline{i}.pipeproj", WithCommand($"echo {i}"))).ToList();

        var specs = await Task.WhenAll(paths.Select(p => Task.Run(() => PipeprojEvaluator.Evaluate(p))));

        Assert.Equal(Enumerable.Range(0, 8).Select(i => $"pipeline{i}"), specs.Select(s => s.Name));
        Assert.Equal(Enumerable.Range(0, 8).Select(i => $"echo {i}"), specs.Select(s => s.Command[2]));
    }

    [Fact]
    public void Sdk_resolution_leaves_the_process_environment_as_it_was()
    {
        var before = Environment.GetEnvironmentVariable("MSBuildSDKsPath");

        Evaluate(WithCommand("run"));

        Assert.Equal(before, Environment.GetEnvironmentVariable("MSBuildSDKsPath"));
        Assert.True(File.Exists(Path.Combine(PipeprojEvaluator.SdksDirectory, "PipeBuild.Sdk", "Sdk", "Sdk.props")));
    }

    [Fact]
    public void Malformed_xml_is_PIPE2001_with_file_line_and_column()
    {
        var e = Fails("""
            <Project Sdk="PipeBuild.Sdk">
              <PropertyGroup>
                <Command>run</Comand>
              </PropertyGroup>
            </Project>
            """);

        Assert.Equal(ErrorCodes.MalformedProjectFile, e.Code);
        Assert.StartsWith($"{Path.Combine(files.Root, "p", "bad.pipeproj")}(3,", e.Message);
        Assert.Contains("Fix the file at that position.", e.Message);
    }

    [Fact]
    public void Unknown_sdk_is_PIPE2001()
    {
        var e = Fails($"<Project Sdk=\"No.Such.Sdk\">\n{MinimalBody}\n</Project>");

        Assert.Equal(ErrorCodes.MalformedProjectFile, e.Code);
        Assert.Contains("No.Such.Sdk", e.Message);
    }

    [Fact]
    public void Unknown_executor_is_PIPE2002_at_the_property()
    {
        var e = Fails(WithCommand("run", extraProperties: "<Executor>ssh</Executor>"));

        Assert.Equal(ErrorCodes.InvalidPipelineValue, e.Code);
        Assert.StartsWith($"{Path.Combine(files.Root, "p", "bad.pipeproj")}(4,5): Executor 'ssh' is not supported.", e.Message);
        Assert.EndsWith("Use local, docker or kubernetes.", e.Message);
    }

    [Theory]
    [InlineData("<Parallelism>four</Parallelism>", "Parallelism 'four' is not a whole number")]
    [InlineData("<Parallelism>2.5</Parallelism>", "Parallelism '2.5' is not a whole number")]
    [InlineData("<DatumTries>0</DatumTries>", "DatumTries '0' is not a whole number of at least 1")]
    [InlineData("<DatumTimeout>soon</DatumTimeout>", "DatumTimeout 'soon' is not a duration")]
    [InlineData("<JobTimeout>0</JobTimeout>", "JobTimeout '0' is not a duration")]
    [InlineData("<AcceptReturnCode>1;x</AcceptReturnCode>", "AcceptReturnCode 'x' is not an exit code")]
    public void Invalid_property_values_are_PIPE2002(string property, string message)
    {
        var e = Fails(WithCommand("run", extraProperties: property));

        Assert.Equal(ErrorCodes.InvalidPipelineValue, e.Code);
        Assert.Contains("(4,5): " + message, e.Message);
    }

    [Fact]
    public void TransformPackage_items_give_id_and_version_and_a_later_item_wins()
    {
        var spec = Evaluate($"""
            <Project Sdk="PipeBuild.Sdk">
            {MinimalBody}
              <ItemGroup>
                <TransformPackage Include="Contoso.Train" Version="1.0.0" />
                <TransformPackage Include="Contoso.Score" Version="2.1.0-beta.1" />
                <TransformPackage Include="contoso.train" Version="1.2.0" />
              </ItemGroup>
            </Project>
            """);

        Assert.Equal([new TransformPackage("Contoso.Score", "2.1.0-beta.1"), new TransformPackage("contoso.train", "1.2.0")], spec.TransformPackages);
    }

    [Theory]
    [InlineData("<TransformPackage Include=\"Contoso.Train\" Version=\"1.*\" />", "(9,46): TransformPackage 'Contoso.Train' has Version=\"1.*\". Give an exact version")]
    [InlineData("<TransformPackage Include=\"Contoso.Train\" />", "(9,5): TransformPackage 'Contoso.Train' has Version=\"\". Give an exact version")]
    [InlineData("<TransformPackage Include=\"Contoso/Train\" Version=\"1.0.0\" />", "(9,5): TransformPackage 'Contoso/Train' is not a NuGet package id.")]
    public void Invalid_TransformPackage_items_are_PIPE2002_at_the_item(string item, string message)
    {
        var e = Fails($"""
            <Project Sdk="PipeBuild.Sdk">
            {MinimalBody}
              <ItemGroup>
                {item}
              </ItemGroup>
            </Project>
            """);

        Assert.Equal(ErrorCodes.InvalidPipelineValue, e.Code);
        Assert.StartsWith(Path.Combine(files.Root, "p", "bad.pipeproj") + message, e.Message);
    }

    [Fact]
    public void Missing_command_is_PIPE2002()
    {
        var e = Fails(WithItems("<PipeInput Include=\"split\" Glob=\"/*\" />", command: null));

        Assert.Equal(ErrorCodes.InvalidPipelineValue, e.Code);
        Assert.Contains("the pipeline has no Command.", e.Message);
    }

    [Fact]
    public void No_inputs_is_PIPE2002()
    {
        var e = Fails(WithCommand("run", withInput: false));

        Assert.Equal(ErrorCodes.InvalidPipelineValue, e.Code);
        Assert.Contains("the pipeline has no inputs.", e.Message);
    }

    [Theory]
    [InlineData("<PipeInput Include=\"bad.repo\" Glob=\"/*\" />", "invalid input repo name 'bad.repo'.")]
    [InlineData("<PipeInput Include=\"split\" Branch=\"no/slash\" />", "invalid branch name for input 'split' 'no/slash'.")]
    [InlineData("<PipeInput Include=\"split\" Glob=\"/[abc\" />", "invalid glob '/[abc'")]
    [InlineData("<PipeInput Include=\"split\" Combine=\"zip\" />", "PipeInput 'split' has Combine=\"zip\".")]
    [InlineData("<PipeInput Include=\"split\" OuterJoin=\"maybe\" Combine=\"join\" JoinOn=\"$1\" />", "OuterJoin=\"maybe\"")]
    [InlineData("<PipeInput Include=\"split\" EmptyFiles=\"perhaps\" />", "PipeInput 'split' has EmptyFiles=\"perhaps\".")]
    [InlineData("<PipeInput Include=\"a\" Combine=\"group\" />", "group input 'a' has no GroupBy.")]
    [InlineData("<PipeInput Include=\"a\" /><TransformFile Include=\"missing.py\" />", "TransformFile 'missing.py' does not exist")]
    [InlineData("<PipeInput Include=\"a\" /><PipeEnv Include=\"1BAD\" Value=\"x\" />", "invalid environment variable name '1BAD'.")]
    public void Invalid_items_are_PIPE2002_with_a_location(string items, string message)
    {
        var e = Fails(WithItems(items));

        Assert.Equal(ErrorCodes.InvalidPipelineValue, e.Code);
        Assert.Matches(@"\.pipeproj\(\d+,\d+\): ", e.Message);
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void Invalid_input_expression_is_PIPE2005_at_the_property()
    {
        var e = Fails(WithInputExpression("cross(split:/*, parameters:/c_parameters.txt/*"));

        Assert.Equal(ErrorCodes.InvalidInputExpression, e.Code);
        Assert.Contains("bad.pipeproj(4,5): invalid InputExpression", e.Message);
        Assert.Contains("is not closed", e.Message);
    }

    [Fact]
    public void Repo_name_with_a_dot_in_input_expression_is_PIPE2005()
    {
        var e = Fails(WithInputExpression("cross(split:/*, a.b:/*)"));

        Assert.Equal(ErrorCodes.InvalidInputExpression, e.Code);
        Assert.Contains("expected ',' or ')' but found '.'", e.Message);
    }

    [Fact]
    public void Input_expression_and_items_together_are_PIPE2002()
    {
        var e = Fails(WithInputExpression("a:/*").Replace("</Project>", "<ItemGroup><PipeInput Include=\"b\" /></ItemGroup></Project>", StringComparison.Ordinal));

        Assert.Equal(ErrorCodes.InvalidPipelineValue, e.Code);
        Assert.Contains("both InputExpression and PipeInput items", e.Message);
    }

    [Fact]
    public void A_file_name_that_is_no_pipeline_name_is_PIPE2002()
    {
        var e = Fails(WithCommand("run"), "p/my pipeline.pipeproj");

        Assert.Equal(ErrorCodes.InvalidPipelineValue, e.Code);
        Assert.Contains("invalid pipeline name (the file name; set <PipelineName> to choose another) 'my pipeline'.", e.Message);
    }

    [Fact]
    public void Unclosed_quote_with_CommandShell_none_is_PIPE2002()
    {
        var e = Fails(WithCommand("python3 'x.py", "none"));

        Assert.Equal(ErrorCodes.InvalidPipelineValue, e.Code);
        Assert.Contains("the single quote at character 9 is not closed", e.Message);
    }

    public void Dispose() => files.Dispose();

    private static string WithCommand(string command, string? shell = null, string extraProperties = "", bool withInput = true) => $"""
        <Project Sdk="PipeBuild.Sdk">
          <PropertyGroup>
            <Command>{command}</Command>
            {extraProperties}{(shell is null ? "" : $"<CommandShell>{shell}</CommandShell>")}
          </PropertyGroup>
          <ItemGroup>
            {(withInput ? "<PipeInput Include=\"split\" Glob=\"/*\" />" : "")}
          </ItemGroup>
        </Project>
        """;

    private static string WithItems(string items, string? command = "run") => $"""
        <Project Sdk="PipeBuild.Sdk">
          <PropertyGroup>
            {(command is null ? "" : $"<Command>{command}</Command>")}
          </PropertyGroup>
          <ItemGroup>
            {items}
          </ItemGroup>
        </Project>
        """;

    private static string WithInputExpression(string expression) => $"""
        <Project Sdk="PipeBuild.Sdk">
          <PropertyGroup>
            <Command>run</Command>
            <InputExpression>{expression}</InputExpression>
          </PropertyGroup>
        </Project>
        """;

    private PipelineSpec Evaluate(string xml, string relative = "p/regression.pipeproj") =>
        PipeprojEvaluator.Evaluate(files.Write(relative, xml));

    private PipeException Fails(string xml, string relative = "p/bad.pipeproj") =>
        Assert.Throws<PipeException>(() => Evaluate(xml, relative));
}
