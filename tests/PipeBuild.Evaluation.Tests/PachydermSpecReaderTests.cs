using PipeBuild.Core;
using PipeBuild.Core.Pipelines;

namespace PipeBuild.Evaluation.Tests;

public sealed class PachydermSpecReaderTests
{
    public static TheoryData<string, string> SeedSpecs => new()
    {
        { "000-housing-prices-intermediate/data_analysis.json", "data_analysis" },
        { "000-housing-prices-intermediate/split.json", "split" },
        { "000-housing-prices-intermediate/regression.json", "regression" },
        { "001-iris/python_train.json", "model" },
        { "001-iris/python_infer.json", "inference" },
        { "003-go-regression/train.json", "model" },
        { "004-hyperparameter/split.json", "split" },
        { "004-hyperparameter/model.json", "model" },
        { "004-hyperparameter/test.json", "test" },
        { "004-hyperparameter/select.json", "select" },
    };

    [Theory]
    [MemberData(nameof(SeedSpecs))]
    public void Every_seed_spec_is_read(string file, string name)
    {
        var spec = Assert.Single(PachydermSpecReader.ReadFile(TestFiles.Seed(file)));

        Assert.Equal(name, spec.Name);
        Assert.NotEmpty(spec.Command);
        Assert.NotEmpty(spec.Input.Leaves());
    }

    [Fact]
    public void Housing_data_analysis_spec_from_seed_000()
    {
        var spec = Assert.Single(PachydermSpecReader.ReadFile(TestFiles.Seed("000-housing-prices-intermediate/data_analysis.json")));

        Assert.Equal("Data analysis pipeline that creates pairplots and correlation matrices for csv files.", spec.Description);
        Assert.Equal(["python", "data_analysis.py", "--input", "/pfs/csv_data/", "--target-col", "MEDV", "--output", "/pfs/out/"], spec.Command);
        Assert.Equal("jimmywhitaker/housing-prices-int:dev0.2", spec.Image);
        Assert.Equal(new PfsInput("csv_data", "/*"), spec.Input);
        Assert.Equal(0, spec.Parallelism);
        Assert.Equal(3, spec.DatumTries);
        Assert.Equal("local", spec.Executor);
    }

    [Fact]
    public void Housing_regression_spec_keeps_its_directory_glob()
    {
        var spec = Assert.Single(PachydermSpecReader.ReadFile(TestFiles.Seed("000-housing-prices-intermediate/regression.json")));

        Assert.Equal(new PfsInput("split", "/*/"), spec.Input);
    }

    [Fact]
    public void Iris_train_and_infer_specs_from_seed_001()
    {
        var train = Assert.Single(PachydermSpecReader.ReadFile(TestFiles.Seed("001-iris/python_train.json")));
        var infer = Assert.Single(PachydermSpecReader.ReadFile(TestFiles.Seed("001-iris/python_infer.json")));

        Assert.Equal(["python3", "/code/pytrain.py", "/pfs/training/", "/pfs/out/"], train.Command);
        Assert.Equal(1, train.Parallelism);
        Assert.Equal(new PfsInput("training", "/"), train.Input);
        Assert.Equal([new PfsInput("attributes", "/*"), new PfsInput("model", "/")], Assert.IsType<CrossInput>(infer.Input).Inputs);
    }

    [Fact]
    public void Go_regression_v1_atom_and_two_legacy_specs_in_one_file()
    {
        var train = Assert.Single(PachydermSpecReader.ReadFile(TestFiles.Seed("003-go-regression/train.json")));
        var both = PachydermSpecReader.ReadFile(TestFiles.Seed("003-go-regression/pipeline.json"));

        Assert.Equal(new PfsInput("training", "/"), train.Input);
        Assert.Equal(["model", "prediction"], both.Select(s => s.Name));
        Assert.Equal(new PfsInput("training", "/"), both[0].Input);
        Assert.Equal([new PfsInput("attributes", "/*"), new PfsInput("model", "/")], Assert.IsType<CrossInput>(both[1].Input).Inputs);
        Assert.All(both, s => Assert.Equal(1, s.Parallelism));
    }

    [Fact]
    public void Specs_between_dashed_lines_as_pachyderms_tensorflow_example_writes_them()
    {
        // Pachyderm's examples/tensor_flow/pipeline.json: two specs, each after a line of three dashes; pachctl create
        // pipeline -f takes the file whole.
        const string file = """
            ---
            { "pipeline": { "name": "GoT_generate" }, "transform": { "cmd": ["sh"] }, "input": { "pfs": { "repo": "GoT_scripts", "glob": "/" } } }
            ---
            { "pipeline": { "name": "GoT_train" },
              "transform": { "cmd": ["sh"] },
              "input": { "pfs": { "repo": "GoT_generate", "glob": 7 } } }
            """;

        Assert.Equal(["GoT_generate", "GoT_train"], PachydermSpecReader.Parse(file.Replace("\"glob\": 7", "\"glob\": \"/\"", StringComparison.Ordinal)).Select(s => s.Name));
        var error = Assert.Throws<PipeException>(() => PachydermSpecReader.Parse(file, "tf.json"));
        Assert.StartsWith("tf.json(6,", error.Message); // positions still count the dashed lines
    }

    [Fact]
    public void Each_spec_of_a_file_says_where_it_names_its_inputs_and_a_name_given_twice_is_PIPE2002()
    {
        const string a = """{ "pipeline": { "name": "a" }, "transform": { "cmd": ["sh"] }, "input": { "pfs": { "repo": "data", "glob": "/" } } }""";
        const string b = """{ "pipeline": { "name": "b" }, "transform": { "cmd": ["sh"] }, "input": { "cross": [ { "pfs": { "repo": "a", "glob": "/" } }, { "pfs": { "repo": "data", "glob": "/" } } ] } }""";

        var specs = PachydermSpecReader.Parse($"{a}\n{b}", "two.json");
        var error = Assert.Throws<PipeException>(() => PachydermSpecReader.Parse($"{a}\n---\n{b.Replace("\"b\"", "\"a\"", StringComparison.Ordinal)}", "two.json"));

        Assert.Equal(["data"], specs[0].InputSources.Keys);
        Assert.Equal(("two.json(1,92)", "two.json(2,146)"), (specs[0].InputSources["data"], specs[1].InputSources["data"]));
        Assert.Equal(ErrorCodes.InvalidPipelineValue, error.Code);
        Assert.StartsWith("two.json(3,25): a second spec of pipeline 'a' (the first is on line 1).", error.Message);
    }

    [Fact]
    public void Fields_accepted_and_ignored_are_named_in_one_notice()
    {
        var notices = new List<string>();
        var path = Path.Combine(Directory.CreateTempSubdirectory("pipe-spec-").FullName, "gpu.json");
        File.WriteAllText(path, """
            { "pipeline": { "name": "train" }, "transform": { "cmd": ["python3", "/train.py"] }, "input": { "pfs": { "repo": "data", "glob": "/" } },
              "resource_limits": { "memory": "1G", "gpu": { "type": "nvidia.com/gpu", "number": 1 } }, "autoscaling": true, "scheduling_spec": { "node_selector": { "gpu": "yes" } } }
            """);

        Assert.Single(PachydermSpecReader.ReadFile(path, notice: notices.Add));

        Assert.Equal($"{path}: accepted and ignored, with no effect in PipeBuild: autoscaling, resource_limits.gpu, scheduling_spec.", Assert.Single(notices));
    }

    [Fact]
    public void Hyperparameter_model_spec_from_seed_004()
    {
        var spec = Assert.Single(PachydermSpecReader.ReadFile(TestFiles.Seed("004-hyperparameter/model.json")));

        Assert.Equal(["/bin/ash"], spec.Command);
        Assert.Equal(10, spec.Stdin.Count);
        Assert.Equal("python /code/pytrain.py /tmp/ /pfs/out/ $cparam $gammaparam", spec.Stdin[7]);
        Assert.Equal(0, spec.Parallelism); // coefficient: one worker per processor
        Assert.Equal(
            [
                new PfsInput("split", "/train.csv"),
                new PfsInput("parameters", "/c_parameters.txt/*", Name: "c-parameters"),
                new PfsInput("parameters", "/gamma_parameters.txt/*", Name: "gamma-parameters"),
            ],
            Assert.IsType<CrossInput>(spec.Input).Inputs);
    }

    [Fact]
    public void Every_supported_field_snake_case()
    {
        var spec = Single("""
            {
              "pipeline": {"name": "joined", "project": {"name": "default"}},
              "description": "Joins and groups.",
              "transform": {
                "cmd": ["python3", "/code/join.py"],
                "stdin": ["a", "b"],
                "image": "python:3.12",
                "env": {"SEED": "42", "MODE": "fast"},
                "accept_return_code": [1, "2"],
                "image_pull_secrets": ["registry"]
              },
              "parallelism_spec": {"constant": 4},
              "datum_tries": 5,
              "datum_timeout": "1m30s",
              "job_timeout": "10m",
              "enable_stats": true,
              "standby": true,
              "resource_requests": {"memory": "1G", "cpu": 1},
              "output_branch": "master",
              "input": {
                "union": [
                  {"join": [
                    {"pfs": {"repo": "left", "glob": "/(*).csv", "join_on": "$1", "outer_join": true, "lazy": true}},
                    {"pfs": {"repo": "right", "branch": "dev", "name": "r", "glob": "/(*).txt", "join_on": "$1", "empty_files": true}}
                  ]},
                  {"group": [{"pfs": {"repo": "logs", "glob": "/(*)-*.log", "group_by": "$1"}}]},
                  {"cross": [{"pfs": {"repo": "a", "glob": "/*"}}, {"atom": {"repo": "b"}}]}
                ]
              }
            }
            """);

        Assert.Equal("joined", spec.Name);
        Assert.Equal("Joins and groups.", spec.Description);
        Assert.Equal(["python3", "/code/join.py"], spec.Command);
        Assert.Equal(["a", "b"], spec.Stdin);
        Assert.Equal("python:3.12", spec.Image);
        Assert.Equal([new("SEED", "42"), new("MODE", "fast")], spec.Env);
        Assert.Equal([1, 2], spec.AcceptReturnCodes);
        Assert.Equal(4, spec.Parallelism);
        Assert.Equal(5, spec.DatumTries);
        Assert.Equal(TimeSpan.FromSeconds(90), spec.DatumTimeout);
        Assert.Equal(TimeSpan.FromMinutes(10), spec.JobTimeout);
        var union = Assert.IsType<UnionInput>(spec.Input);
        Assert.Equal(
            [new PfsInput("left", "/(*).csv") { JoinOn = "$1", OuterJoin = true }, new PfsInput("right", "/(*).txt", "dev", "r") { JoinOn = "$1", EmptyFiles = true }],
            Assert.IsType<JoinInput>(union.Inputs[0]).Inputs);
        Assert.Equal([new PfsInput("logs", "/(*)-*.log") { GroupBy = "$1" }], Assert.IsType<GroupInput>(union.Inputs[1]).Inputs);
        Assert.Equal([new PfsInput("a", "/*"), new PfsInput("b", "/")], Assert.IsType<CrossInput>(union.Inputs[2]).Inputs);
    }

    [Fact]
    public void Lower_camel_case_names_and_comments_are_accepted()
    {
        var spec = Single("""
            // protobuf JSON spelling
            {
              "pipeline": {"name": "camel"},
              "transform": {"cmd": ["run"], "acceptReturnCode": [3]},
              "parallelismSpec": {"constant": "2"},
              "datumTries": 1,
              "datumTimeout": "30s",
              "jobTimeout": "1h30m",
              "input": {"join": [
                {"pfs": {"repo": "a", "glob": "/(*)", "joinOn": "$1", "outerJoin": true}},
                {"pfs": {"repo": "b", "glob": "/(*)", "joinOn": "$1", "emptyFiles": "true"}},
              ]},
            }
            """);

        Assert.Equal([3], spec.AcceptReturnCodes);
        Assert.Equal(2, spec.Parallelism);
        Assert.Equal(1, spec.DatumTries);
        Assert.Equal(TimeSpan.FromSeconds(30), spec.DatumTimeout);
        Assert.Equal(TimeSpan.FromMinutes(90), spec.JobTimeout);
        Assert.True(Assert.IsType<JoinInput>(spec.Input).Inputs[0].OuterJoin);
        Assert.True(Assert.IsType<JoinInput>(spec.Input).Inputs[1].EmptyFiles);
    }

    [Fact]
    public void A_pfs_trigger_is_read_with_pachyderms_field_names()
    {
        var spec = Single("""
            {"pipeline": {"name": "batched"}, "transform": {"cmd": ["x"]},
             "input": {"pfs": {"repo": "data", "branch": "staging", "glob": "/*",
                               "trigger": {"branch": "master", "size": "1M", "commits": "3", "cron_spec": "@every 1h", "all": true}}}}
            """);
        var zero = Single("""{"pipeline": {"name": "p"}, "transform": {"cmd": ["x"]}, "input": {"pfs": {"repo": "data", "branch": "staging", "trigger": {"branch": "master", "cron": "@daily", "commits": 0}}}}""");

        Assert.Equal(new BranchTrigger("master") { Size = "1M", Commits = 3, Cron = "@every 1h", All = true }, Assert.IsType<PfsInput>(spec.Input).Trigger);
        Assert.Equal(new BranchTrigger("master") { Cron = "@daily" }, Assert.IsType<PfsInput>(zero.Input).Trigger); // commits 0: protobuf JSON's "not set"
    }

    [Fact]
    public void Duplicate_env_keys_keep_the_last_value_in_the_first_place()
    {
        var spec = Single("""{"pipeline": {"name": "p"}, "transform": {"cmd": ["x"], "env": {"A": "1", "B": "2", "A": "3"}}, "input": {"pfs": {"repo": "a"}}}""");

        Assert.Equal([new("A", "3"), new("B", "2")], spec.Env);
    }

    [Fact]
    public void Zero_datum_tries_and_timeouts_mean_the_defaults()
    {
        var spec = Single("""{"pipeline": {"name": "p"}, "transform": {"cmd": ["x"]}, "input": {"pfs": {"repo": "a"}}, "datum_tries": 0, "datum_timeout": "0s", "job_timeout": "0s"}""");

        Assert.Equal(3, spec.DatumTries);
        Assert.Null(spec.DatumTimeout);
        Assert.Null(spec.JobTimeout);
    }

    [Fact]
    public void Malformed_json_is_PIPE2003_with_file_line_and_column()
    {
        var e = Fails("""
            {
              "pipeline": {"name": "x"}
              "transform": {"cmd": ["run"]}
            }
            """);

        Assert.Equal(ErrorCodes.MalformedJsonSpec, e.Code);
        Assert.StartsWith("spec.json(3,3): the pipeline spec is not valid JSON: ", e.Message);
        Assert.EndsWith("Fix the JSON at that position.", e.Message);
        Assert.DoesNotContain("LineNumber", e.Message);
    }

    [Fact]
    public void Truncated_json_is_PIPE2003()
    {
        var e = Fails("{\"pipeline\": {\"name\": \"x\"},\n  \"transform\": [");

        Assert.Equal(ErrorCodes.MalformedJsonSpec, e.Code);
        Assert.StartsWith("spec.json(2,", e.Message);
    }

    [Fact]
    public void Bytes_that_are_not_utf8_are_PIPE2003_naming_the_file_position_and_offset()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("pipe-spec-").FullName, "latin1.json");
        File.WriteAllBytes(path, [.. "{\"pipeline\":\n  {\"name\": \"caf"u8, 0xE9, .. "\"}}"u8]);

        var e = Assert.Throws<PipeException>(() => PachydermSpecReader.ReadFile(path));

        Assert.Equal(ErrorCodes.MalformedJsonSpec, e.Code);
        Assert.Equal($"{path}(2,16): the pipeline spec is not valid UTF-8: byte 0xE9 at offset 28 is not part of a UTF-8 character. Save the file as UTF-8.", e.Message);
    }

    [Theory]
    [InlineData("{\"pipeline\": {\"name\": \"x\\ud800\"}}", "spec.json(1,23): ")]
    [InlineData("{\"pipeline\": {\"na\\udc00me\": \"x\"}}", "spec.json(1,15): ")]
    public void A_lone_surrogate_escape_is_PIPE2003_at_its_string(string json, string where)
    {
        var e = Fails(json);

        Assert.Equal(ErrorCodes.MalformedJsonSpec, e.Code);
        Assert.StartsWith(where + "the pipeline spec is not valid JSON: the string here is not valid text", e.Message);
    }

    [Theory]
    [InlineData("", "the file has no pipeline spec.")]
    [InlineData("[1, 2]", "a pipeline spec must be a JSON object, not an array.")]
    [InlineData("{\"pipeline\": {\"name\": \"a\"}, \"pipeline\": {\"name\": \"b\"}}", "'pipeline' appears twice.")]
    public void Json_that_is_no_spec_is_PIPE2003(string json, string message)
    {
        var e = Fails(json);

        Assert.Equal(ErrorCodes.MalformedJsonSpec, e.Code);
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void Unknown_top_level_field_is_PIPE2004_naming_it()
    {
        var e = Fails("""
            {
              "pipeline": {"name": "x"},
              "s3_out": true,
              "transform": {"cmd": ["run"]},
              "input": {"pfs": {"repo": "a"}}
            }
            """);

        Assert.Equal(ErrorCodes.UnsupportedSpecField, e.Code);
        Assert.StartsWith("spec.json(3,3): unknown or unsupported field 's3_out' in the pipeline spec. Remove it: PipeBuild reads pipeline, description, transform,", e.Message);
        Assert.Contains("accepted and ignored: enable_stats, standby, resource_requests", e.Message);
    }

    [Fact]
    public void A_cron_input_is_a_pfs_input_on_its_own_repo_one_datum_per_tick()
    {
        // Pachyderm's documentation's cron example: {"cron": {"name": "tick", "spec": "@every 60s"}} in a cross.
        var spec = Assert.Single(PachydermSpecReader.Parse("""
            {"pipeline": {"name": "scraper"}, "transform": {"cmd": ["python3", "/scraper.py"]},
             "input": {"cross": [{"cron": {"name": "tick", "spec": "@every 60s", "start": "2026-01-01T00:00:00Z", "overwrite": true}},
                                 {"pfs": {"repo": "urls", "glob": "/"}}]}}
            """));

        var cron = spec.Input.Leaves().First();
        Assert.Equal(("scraper_tick", "/*", "tick"), (cron.Repo, cron.Glob, cron.Name));
        Assert.Equal(new CronSchedule("@every 60s") { Start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), Overwrite = true }, cron.Cron);
    }

    [Theory]
    [InlineData("{\"name\": \"tick\", \"spec\": \"every hour\"}", ErrorCodes.InvalidPipelineValue, "invalid cron schedule 'every hour'")]
    [InlineData("{\"name\": \"tick\", \"spec\": \"@every 0s\"}", ErrorCodes.InvalidPipelineValue, "is not a duration of at least 1s")]
    [InlineData("{\"name\": \"tick\", \"spec\": \"61 * * * *\"}", ErrorCodes.InvalidPipelineValue, "invalid cron schedule '61 * * * *'")]
    [InlineData("{\"spec\": \"@every 1h\"}", ErrorCodes.InvalidPipelineValue, "the pipeline spec has no 'input.cron.name'.")]
    [InlineData("{\"name\": \"tick\"}", ErrorCodes.InvalidPipelineValue, "the pipeline spec has no 'input.cron.spec'.")]
    [InlineData("{\"name\": \"tick\", \"spec\": \"@daily\", \"start\": \"tomorrow\"}", ErrorCodes.InvalidPipelineValue, "'input.cron.start' \"tomorrow\" is not a time.")]
    [InlineData("{\"name\": \"tick\", \"spec\": \"@daily\", \"overwrite\": \"yes\"}", ErrorCodes.InvalidPipelineValue, "'input.cron.overwrite'")]
    [InlineData("{\"name\": \"a b\", \"spec\": \"@daily\"}", ErrorCodes.InvalidPipelineValue, "invalid cron input name 'a b'")]
    [InlineData("{\"name\": \"tick\", \"spec\": \"@daily\", \"timezone\": \"CET\"}", ErrorCodes.UnsupportedSpecField, "'input.cron.timezone'")]
    public void Bad_cron_values_are_PIPE_errors_naming_the_field(string cron, string code, string message)
    {
        var e = Fails($$$"""{"pipeline": {"name": "x"}, "transform": {"cmd": ["run"]}, "input": {"cron": {{{cron}}}}}""");

        Assert.Equal(code, e.Code);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"URL\": \"s3://results/wordcount/\"}", "results", "wordcount", null)]
    [InlineData("{\"object_storage\": {\"url\": \"s3://results\"}}", "results", "", null)]
    [InlineData("{\"objectStorage\": {\"url\": \"file:///srv/out/\"}}", null, "", "/srv/out")]
    public void Egress_is_read_from_URL_or_object_storage(string egress, string? bucket, string prefix, string? folder)
    {
        var spec = Assert.Single(PachydermSpecReader.Parse($$$"""{"pipeline": {"name": "x"}, "transform": {"cmd": ["run"]}, "input": {"pfs": {"repo": "a"}}, "egress": {{{egress}}}}"""));

        Assert.Equal((bucket, prefix, folder), (spec.Egress!.Bucket, spec.Egress.Prefix, spec.Egress.Folder));
    }

    [Theory]
    [InlineData("{\"URL\": \"ftp://host/dir\"}", ErrorCodes.InvalidPipelineValue, "spec.json(1,111): invalid egress URL 'ftp://host/dir': PipeBuild copies output to s3:// and file:// URLs.")]
    [InlineData("{\"URL\": \"s3://x\"}", ErrorCodes.InvalidPipelineValue, "'x' is not a bucket name")]
    [InlineData("{\"URL\": \"file://relative/dir\"}", ErrorCodes.InvalidPipelineValue, "a file:// URL names an absolute folder")]
    [InlineData("{\"URL\": \"file:///srv/../etc\"}", ErrorCodes.InvalidPipelineValue, "without '.' or '..' segments")]
    [InlineData("{}", ErrorCodes.InvalidPipelineValue, "'egress' needs exactly one of URL or object_storage.")]
    [InlineData("{\"URL\": \"s3://abc\", \"object_storage\": {\"url\": \"s3://abc\"}}", ErrorCodes.InvalidPipelineValue, "'egress' needs exactly one of URL or object_storage.")]
    [InlineData("{\"sql_database\": {\"url\": \"snowflake://x\"}}", ErrorCodes.UnsupportedSpecField, "unknown or unsupported field 'egress.sql_database'")]
    [InlineData("{\"URL\": 5}", ErrorCodes.InvalidPipelineValue, "'egress.URL' must be a string")]
    public void Bad_egress_values_are_PIPE_errors_naming_the_field(string egress, string code, string message)
    {
        var e = Fails($$$"""{"pipeline": {"name": "x"}, "transform": {"cmd": ["run"]}, "input": {"pfs": {"repo": "a"}}, "egress": {{{egress}}}}""");

        Assert.Equal(code, e.Code);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"transform\": {\"cmd\": [\"run\"], \"secrets\": [{\"name\": \"x\", \"value\": \"y\"}]}, \"input\": {\"pfs\": {\"repo\": \"a\"}}", "'transform.secrets[0].value'")]
    [InlineData("\"transform\": {\"cmd\": [\"run\"]}, \"input\": {\"git\": {\"url\": \"https://github.com/x/y.git\"}}", "'input.git'")]
    [InlineData("\"transform\": {\"cmd\": [\"run\"]}, \"input\": {\"pfs\": {\"repo\": \"a\", \"s3\": true}}", "'input.pfs.s3'")]
    public void Unsupported_nested_fields_are_PIPE2004(string rest, string message)
    {
        var e = Fails($"{{\"pipeline\": {{\"name\": \"x\"}}, {rest}}}");

        Assert.Equal(ErrorCodes.UnsupportedSpecField, e.Code);
        Assert.Contains(message, e.Message);
    }

    [Theory]
    [InlineData("\"transform\": {\"image\": \"x\"}, \"input\": {\"pfs\": {\"repo\": \"a\"}}", "the pipeline spec has no 'transform.cmd'.")]
    [InlineData("\"transform\": {\"cmd\": []}, \"input\": {\"pfs\": {\"repo\": \"a\"}}", "'transform.cmd' is empty.")]
    [InlineData("\"transform\": {\"cmd\": \"python x.py\"}, \"input\": {\"pfs\": {\"repo\": \"a\"}}", "'transform.cmd' must be an array, not the string \"python x.py\".")]
    [InlineData("\"transform\": {\"cmd\": [\"x\"]}", "the pipeline spec has no 'input'.")]
    [InlineData("\"transform\": {\"cmd\": [\"x\"]}, \"input\": {\"pfs\": {\"repo\": \"a\"}, \"cross\": []}", "'input' has pfs and cross.")]
    [InlineData("\"transform\": {\"cmd\": [\"x\"]}, \"input\": {\"join\": [{\"cross\": [{\"pfs\": {\"repo\": \"a\"}}]}]}", "join combines pfs inputs only")]
    [InlineData("\"transform\": {\"cmd\": [\"x\"]}, \"input\": {\"pfs\": {\"repo\": \"my repo\"}}", "invalid input repo name 'my repo'.")]
    [InlineData("\"transform\": {\"cmd\": [\"x\"]}, \"input\": {\"pfs\": {\"repo\": \"a\", \"glob\": \"/{x,y\"}}", "invalid glob '/{x,y'")]
    [InlineData("\"transform\": {\"cmd\": [\"x\"]}, \"input\": {\"pfs\": {\"repo\": \"a\"}}, \"parallelism_spec\": {\"constant\": \"many\"}", "'parallelism_spec.constant' must be a whole number")]
    [InlineData("\"transform\": {\"cmd\": [\"x\"]}, \"input\": {\"pfs\": {\"repo\": \"a\"}}, \"datum_timeout\": \"soon\"", "'datum_timeout' \"soon\" is not a duration.")]
    [InlineData("\"transform\": {\"cmd\": [\"x\"]}, \"input\": {\"pfs\": {\"repo\": \"a\"}}, \"job_timeout\": \"-1m\"", "'job_timeout' \"-1m\" is not a duration.")]
    [InlineData("\"transform\": {\"cmd\": [\"x\"]}, \"input\": {\"pfs\": {\"repo\": \"a\"}}, \"job_timeout\": 600", "'job_timeout' must be a string, not the number 600.")]
    [InlineData("\"transform\": {\"cmd\": [\"x\"], \"env\": {\"A\": 1}}, \"input\": {\"pfs\": {\"repo\": \"a\"}}", "'transform.env.A' must be a string, not the number 1.")]
    [InlineData("\"transform\": {\"cmd\": [\"x\"]}, \"input\": {\"pfs\": {\"repo\": \"a\", \"empty_files\": \"maybe\"}}", "'input.pfs.empty_files' must be true or false, not the string \"maybe\".")]
    [InlineData("\"transform\": {\"cmd\": [\"x\"]}, \"input\": {\"cross\": [{\"pfs\": {\"repo\": \"a\", \"emptyFiles\": 1}}]}", "'input.cross[0].pfs.emptyFiles' must be true or false, not the number 1.")]
    public void Invalid_values_are_PIPE2002_with_a_location(string rest, string message)
    {
        var e = Fails($"{{\"pipeline\": {{\"name\": \"x\"}}, {rest}}}");

        Assert.Equal(ErrorCodes.InvalidPipelineValue, e.Code);
        Assert.Matches(@"^spec\.json\(1,\d+\): ", e.Message);
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void Invalid_pipeline_name_points_at_the_value()
    {
        var e = Fails("{\n  \"pipeline\": {\"name\": \"no spaces\"}}");

        Assert.Equal(ErrorCodes.InvalidPipelineValue, e.Code);
        Assert.StartsWith("spec.json(2,24): invalid pipeline name 'no spaces'.", e.Message);
    }

    [Fact]
    public void Ignored_fields_are_listed()
    {
        Assert.Contains("enable_stats", PachydermSpecReader.IgnoredFields[""]);
        Assert.Contains("resource_requests", PachydermSpecReader.IgnoredFields[""]);
        Assert.Contains("image_pull_secrets", PachydermSpecReader.IgnoredFields["transform"]);
    }

    private static PipelineSpec Single(string json) => Assert.Single(PachydermSpecReader.Parse(json));

    [Fact]
    public void A_spout_has_no_input_and_refuses_one()
    {
        // Pachyderm's documentation's minimum spout (concepts/pipeline-concepts/pipeline/spout): spout is {}, no input.
        var spec = Assert.Single(PachydermSpecReader.Parse("""
            {"pipeline": {"name": "my-spout"}, "spout": {},
             "transform": {"cmd": ["go", "run", "./main.go"], "image": "myaccount/myimage:0.1", "env": {"HOST": "kafkahost", "TOPIC": "mytopic", "PORT": "9092"}}}
            """));
        Assert.True(spec.Spout);
        Assert.Empty(spec.Input.Leaves());

        var withInput = Fails("""{"pipeline": {"name": "s"}, "spout": {}, "transform": {"cmd": ["run"]}, "input": {"pfs": {"repo": "a"}}}""");
        Assert.Equal(ErrorCodes.InvalidPipelineValue, withInput.Code);
        Assert.Contains("the spout pipeline has 'input': a spout takes no input", withInput.Message);

        var overwrite = Fails("""{"pipeline": {"name": "s"}, "spout": {"overwrite": true}, "transform": {"cmd": ["run"]}}""");
        Assert.Equal(ErrorCodes.UnsupportedSpecField, overwrite.Code);
        Assert.Contains("'spout.overwrite'", overwrite.Message);

        var type = Fails("""{"pipeline": {"name": "s"}, "spout": "yes", "transform": {"cmd": ["run"]}}""");
        Assert.Equal(ErrorCodes.InvalidPipelineValue, type.Code);
        Assert.Contains("'spout'", type.Message);

        // not a spout: the input is still required
        Assert.Contains("no 'input'", Fails("""{"pipeline": {"name": "s"}, "transform": {"cmd": ["run"]}}""").Message);
    }

    [Fact]
    public void A_service_reads_its_ports_and_type_and_names_a_bad_one()
    {
        var spec = Assert.Single(PachydermSpecReader.Parse("""
            {"pipeline": {"name": "jupyter"}, "input": {"pfs": {"glob": "/", "repo": "input"}},
             "service": {"external_port": 30888, "internal_port": 8888, "type": "nodeport"},
             "transform": {"cmd": ["start-notebook.sh"], "image": "jupyter/datascience-notebook"}}
            """));
        Assert.Equal(new ServiceSettings(8888, 30888, "NodePort"), spec.Service);
        Assert.True(spec.LongRunning);

        var defaulted = Assert.Single(PachydermSpecReader.Parse("""{"pipeline": {"name": "s"}, "input": {"pfs": {"repo": "a"}}, "service": {"internal_port": "8080"}, "transform": {"cmd": ["run"]}}"""));
        Assert.Equal(new ServiceSettings(8080, 8080), defaulted.Service);

        var port = Fails("""{"pipeline": {"name": "s"}, "input": {"pfs": {"repo": "a"}}, "service": {"internal_port": 0}, "transform": {"cmd": ["run"]}}""");
        Assert.Equal(ErrorCodes.InvalidPipelineValue, port.Code);
        Assert.Contains("'service.internal_port' '0' is not a port", port.Message);

        var type = Fails("""{"pipeline": {"name": "s"}, "input": {"pfs": {"repo": "a"}}, "service": {"internal_port": 1, "type": "x"}, "transform": {"cmd": ["run"]}}""");
        Assert.Contains("'service.type' 'x' is not a service type", type.Message);
    }

    private static PipeException Fails(string json) => Assert.Throws<PipeException>(() => PachydermSpecReader.Parse(json));
}
