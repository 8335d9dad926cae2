using System.Diagnostics;
using System.Globalization;
using CliWrap.Buffered;
using PipeBuild.Core;

namespace PipeBuild.Cli.Tests;

/// <summary>Pipelines end to end through the CLI: .pipeproj and JSON specs, automatic runs, incrementality, provenance.</summary>
public sealed class PipelineTests : IDisposable
{
    private const string Split = """
        <Project Sdk="PipeBuild.Sdk">
          <PropertyGroup>
            <Description>Cut the table into files of two rows.</Description>
            <Command>split -l 2 /pfs/csv_data/housing.csv /pfs/out/part-</Command>
          </PropertyGroup>
          <ItemGroup>
            <PipeInput Include="csv_data" Glob="/" />
          </ItemGroup>
        </Project>
        """;

    private const string Count = """
        <Project Sdk="PipeBuild.Sdk">
          <PropertyGroup>
            <!-- $(...) is MSBuild's property syntax: shell command substitution is written with backquotes or %24(...) -->
            <Command>name=`basename "$split"`; wc -l &lt; "$split" | tr -d ' ' &gt; /pfs/out/$name.count; echo counted $name</Command>
            <Parallelism>2</Parallelism>
          </PropertyGroup>
          <ItemGroup>
            <PipeInput Include="split" Glob="/*" />
          </ItemGroup>
        </Project>
        """;

    private readonly TempWorkspace ws = new();

    [Fact]
    public void Writes_run_downstream_pipelines_and_only_changed_datums_rerun()
    {
        ws.Run("repo", "create", "csv_data").ShouldSucceed();
        ws.Run("file", "put", "csv_data@master:housing.csv", "-f", ws.Write("data/h1.csv", "a\nb\nc\nd\ne\n")).ShouldSucceed();
        ws.Write("split.pipeproj", Split);
        ws.Write("count.pipeproj", Count);
        ws.Run("pipeline", "create", "-f", "split.pipeproj").ShouldSucceed();
        var created = ws.Run("pipeline", "create", "-f", "count.pipeproj", "--output", "json");
        var firstCount = JsonOutput.Parse(created)[0];
        Assert.Equal(("success", 3, 3), (firstCount.GetProperty("state").GetString(), firstCount.GetProperty("datumsTotal").GetInt32(), firstCount.GetProperty("datumsProcessed").GetInt32()));
        Assert.Equal("2\n", ws.Run("file", "get", "count@master:part-aa.count").ShouldSucceed().Stdout);
        Assert.Equal("1\n", ws.Run("file", "get", "count@master:part-ac.count").ShouldSucceed().Stdout);

        // a new version of the table changes only the last part: one count datum reruns
        var put = ws.Run("file", "put", "csv_data@master:housing.csv", "-f", ws.Write("data/h2.csv", "a\nb\nc\nd\ne\nf\n")).ShouldSucceed();
        Assert.Contains("count: success, 1 datum(s) ran, 2 reused", put.Stderr);
        Assert.Equal("2\n", ws.Run("file", "get", "count@master:part-ac.count").ShouldSucceed().Stdout);

        // provenance: the output commit names the input commits it came from
        var csvHead = JsonOutput.Parse(ws.Run("commit", "inspect", "csv_data@master", "--output", "json")).GetProperty("id").GetString();
        var output = JsonOutput.Parse(ws.Run("commit", "inspect", "count@master", "--output", "json"));
        Assert.Equal("pipeline:count", output.GetProperty("origin").GetString());
        Assert.Contains(output.GetProperty("provenance").EnumerateArray(), p => p.GetProperty("commit").GetString() == csvHead);

        // roll back: downstream outputs match the old data again, and no transform runs
        var rollback = ws.Run("branch", "create", "csv_data@master", "--head", "master^").ShouldSucceed();
        Assert.Contains("count: success, 0 datum(s) ran, 3 reused", rollback.Stderr);
        Assert.Equal("1\n", ws.Run("file", "get", "count@master:part-ac.count").ShouldSucceed().Stdout);

        // nothing left to do
        ws.Run("run", "--question").ShouldSucceed();
        Assert.Contains("everything is up to date", ws.Run("run").ShouldSucceed().Stdout);
        var jobs = JsonOutput.Parse(ws.Run("job", "list", "--output", "json"));
        Assert.Equal(6, jobs.GetArrayLength());
        Assert.Contains("counted part-aa", ws.Run("job", "logs", jobs[jobs.GetArrayLength() - 2].GetProperty("id").GetString()!).ShouldSucceed().Stdout);
        var dag = ws.Run("dag").ShouldSucceed().Stdout;
        Assert.Matches("split\\s+csv_data\\s+split", dag);
        Assert.Matches("count\\s+split\\s+count", dag);

        // the same graph as pictures, for a README or CI summary
        var mermaid = ws.Run("dag", "--format", "mermaid").ShouldSucceed().Stdout;
        Assert.StartsWith("flowchart LR\n  n0([\"csv_data\"]):::repo\n  n1[\"split\"]:::up-to-date\n  n2[\"count\"]:::up-to-date\n  n0 --> n1\n  n1 --> n2\n", mermaid);
        Assert.Contains("\"split\" -> \"count\";", ws.Run("dag", "--format", "dot").ShouldSucceed().Stdout);
        var svg = System.Xml.Linq.XDocument.Parse(ws.Run("dag", "--format", "svg").ShouldSucceed().Stdout);
        Assert.Equal(3, svg.Descendants().Count(e => e.Attribute("data-name") is not null));
        Assert.Contains("mermaid", ws.Run("dag", "--format", "png").ShouldFailWith("PIPE1001").Stderr); // the choices are named

        // per-file lineage: the count (made by reusing stored results after the rollback) leads to the csv commit now at master
        var csvNow = JsonOutput.Parse(ws.Run("commit", "inspect", "csv_data@master", "--output", "json")).GetProperty("id").GetString()!;
        var lineage = ws.Run("file", "lineage", "count@master:part-ac.count").ShouldSucceed().Stdout.Split('\n');
        Assert.Matches(@"^count@[0-9a-f]{12}:/part-ac\.count  \(written by pipeline count, job [0-9a-f]{12}, datum [0-9a-f]{12} reading split:/part-ac\)$", lineage[0]);
        Assert.Matches(@"^  <- split@[0-9a-f]{12}:/part-ac  \(written by pipeline split, job [0-9a-f]{12}, datum [0-9a-f]{12} reading csv_data:/\)$", lineage[1]);
        Assert.Equal($"       <- csv_data@{csvNow[..12]}:/housing.csv  (put by a user)", lineage[2]);
        var json = JsonOutput.Parse(ws.Run("file", "lineage", "count@master:part-ac.count", "--output", "json"));
        Assert.Equal(csvNow, json.GetProperty("links")[0].GetProperty("links")[0].GetProperty("commit").GetString());
        var downstream = ws.Run("file", "lineage", "csv_data@master:housing.csv", "--downstream").ShouldSucceed().Stdout;
        Assert.Equal(3, downstream.Split('\n').Count(l => l.Contains("-> count@", StringComparison.Ordinal)));
        Assert.Contains("lineage follows files", ws.Run("file", "lineage", "split@master:/").ShouldFailWith("PIPE5018").Stderr);
    }

    [Fact]
    public void Update_with_a_new_transform_reprocesses_and_question_says_why()
    {
        ws.Run("repo", "create", "split").ShouldSucceed();
        ws.Run("file", "put", "split@master", "-r", "-f", Path.GetDirectoryName(ws.Write("parts/p1", "x\n"))!).ShouldSucceed();
        ws.Write("parts/p2", "y\ny\n");
        ws.Run("file", "put", "split@master:p2", "-f", Path.Combine(ws.Root, "parts", "p2"), "--no-run").ShouldSucceed();
        ws.Write("count.pipeproj", Count);
        ws.Run("pipeline", "create", "-f", "count.pipeproj", "--no-run").ShouldSucceed();
        var question = ws.Run("run", "--question");
        Assert.Equal(1, question.ExitCode);
        Assert.Contains("never run successfully", question.Stdout);
        ws.Run("run").ShouldSucceed();

        ws.Write("count.pipeproj", Count.Replace("wc -l", "wc -c", StringComparison.Ordinal));
        var status = ws.Run("status").ShouldSucceed().Stdout;
        Assert.Contains("count.pipeproj changed since it was registered", status);
        var updated = JsonOutput.Parse(ws.Run("pipeline", "update", "-f", "count.pipeproj", "--reprocess", "--output", "json"))[0];
        Assert.Equal(2, updated.GetProperty("datumsProcessed").GetInt32());
        Assert.Equal("4\n", ws.Run("file", "get", "count@master:p2.count").ShouldSucceed().Stdout);
    }

    [Fact]
    public void Update_reruns_the_pipelines_that_read_its_output()
    {
        ws.Run("repo", "create", "csv_data").ShouldSucceed();
        ws.Run("file", "put", "csv_data@master:housing.csv", "-f", ws.Write("data/h1.csv", "a\nb\nc\n")).ShouldSucceed();
        ws.Write("split.pipeproj", Split);
        ws.Write("count.pipeproj", Count);
        ws.Run("pipeline", "create", "-f", "split.pipeproj").ShouldSucceed();
        ws.Run("pipeline", "create", "-f", "count.pipeproj").ShouldSucceed();

        // parts of one row instead of two: split reruns, and count follows on the new parts without a write to csv_data
        var updated = JsonOutput.Parse(ws.Run("pipeline", "update", "-f", "split.pipeproj", "-p:Command=split -l 1 /pfs/csv_data/housing.csv /pfs/out/part-", "--reprocess", "--output", "json"));
        Assert.Equal(["split", "count"], updated.EnumerateArray().Select(j => j.GetProperty("pipeline").GetString()));
        Assert.Equal(3, updated[1].GetProperty("datumsTotal").GetInt32());
        Assert.Equal("1\n", ws.Run("file", "get", "count@master:part-ac.count").ShouldSucceed().Stdout);
        var splitHead = JsonOutput.Parse(ws.Run("commit", "inspect", "split@master", "--output", "json")).GetProperty("id").GetString();
        var count = JsonOutput.Parse(ws.Run("commit", "inspect", "count@master", "--output", "json"));
        Assert.Contains(count.GetProperty("provenance").EnumerateArray(), p => p.GetProperty("commit").GetString() == splitHead);
    }

    [Fact]
    public void Inspect_of_a_file_shows_what_it_evaluates_to_without_registering_it()
    {
        ws.Write("count.pipeproj", Count);
        var spec = JsonOutput.Parse(ws.Run("pipeline", "inspect", "-f", "count.pipeproj", "-p:Parallelism=10", "--output", "json"));
        Assert.Equal(("count", 10, "split"), (spec.GetProperty("name").GetString(), spec.GetProperty("parallelism").GetInt32(), spec.GetProperty("input").GetProperty("repo").GetString()));
        Assert.Matches(@"(?m)^Parallelism +10 *$", ws.Run("pipeline", "inspect", "-f", "count.pipeproj", "-p:Parallelism=10").ShouldSucceed().Stdout);
        Assert.Empty(JsonOutput.Parse(ws.Run("pipeline", "list", "--output", "json")).EnumerateArray());
        ws.Run("pipeline", "inspect", "count", "-f", "count.pipeproj").ShouldFailWith("PIPE1001");
        ws.Run("pipeline", "inspect").ShouldFailWith("PIPE1001");
    }

    [Fact]
    public void A_failing_transform_fails_the_job_with_exit_code_2_and_its_log()
    {
        ws.Run("repo", "create", "in").ShouldSucceed();
        ws.Run("file", "put", "in@master:a.txt", "-f", ws.Write("a.txt", "a")).ShouldSucceed();
        ws.Write("fail.pipeproj", """
            <Project Sdk="PipeBuild.Sdk">
              <PropertyGroup>
                <Command>echo "cannot parse $in" &gt;&amp;2; exit 4</Command>
                <DatumTries>2</DatumTries>
              </PropertyGroup>
              <ItemGroup><PipeInput Include="in" Glob="/*" /></ItemGroup>
            </Project>
            """);
        var create = ws.Run("pipeline", "create", "-f", "fail.pipeproj");
        Assert.Equal(2, create.ExitCode);
        Assert.Contains("fail: failure", create.Stdout);
        var job = JsonOutput.Parse(ws.Run("job", "list", "--output", "json"))[0].GetProperty("id").GetString()!;
        var logs = ws.Run("job", "logs", job).ShouldSucceed().Stdout;
        Assert.Contains("try 2 of 2: exit code 4", logs);
        Assert.Contains("cannot parse", logs);
        ws.Run("file", "list", "fail@master").ShouldFailWith("PIPE5004"); // nothing published: the output branch has no commit
    }

    [Fact]
    public void A_pachyderm_json_spec_runs_and_converts()
    {
        ws.Run("repo", "create", "housing_data").ShouldSucceed();
        ws.Run("file", "put", "housing_data@master:h.csv", "-f", ws.Write("h.csv", "1\n2\n")).ShouldSucceed();
        ws.Write("copy.json", """
            {
              "pipeline": { "name": "copy" },
              "description": "copy every file",
              "transform": { "cmd": ["sh"], "stdin": ["cp -r /pfs/housing_data/. /pfs/out/"] },
              "parallelism_spec": { "constant": 1 },
              "input": { "pfs": { "repo": "housing_data", "glob": "/*" } }
            }
            """);
        ws.Run("pipeline", "create", "-f", "copy.json").ShouldSucceed();
        Assert.Equal("1\n2\n", ws.Run("file", "get", "copy@master:h.csv").ShouldSucceed().Stdout);
        ws.Run("pipeline", "convert", "copy.json").ShouldSucceed();
        Assert.Contains("<PipeInput Include=\"housing_data\"", File.ReadAllText(Path.Combine(ws.Root, "copy.pipeproj")));
        ws.Run("pipeline", "create", "-f", "copy.json").ShouldFailWith("PIPE4002");
        ws.Run("repo", "delete", "housing_data").ShouldFailWith("PIPE5013");
    }

    [Fact]
    public void Bad_pipeline_files_are_clear_errors()
    {
        ws.Run("repo", "create", "in").ShouldSucceed();
        ws.Write("broken.pipeproj", "<Project Sdk=\"PipeBuild.Sdk\">\n  <PropertyGroup>\n    <Command>true</Command>\n  </PropertyGroup\n</Project>\n");
        var malformed = ws.Run("pipeline", "create", "-f", "broken.pipeproj").ShouldFailWith("PIPE2001");
        Assert.Contains("broken.pipeproj(", malformed.Stderr);
        ws.Write("missing.pipeproj", "<Project Sdk=\"PipeBuild.Sdk\">\n  <PropertyGroup><Command>true</Command></PropertyGroup>\n  <ItemGroup><PipeInput Include=\"nope\" Glob=\"/*\" /></ItemGroup>\n</Project>");
        Assert.Contains("missing.pipeproj(3,14): error PIPE4003: input repo 'nope' does not exist", ws.Run("pipeline", "create", "-f", "missing.pipeproj").ShouldFailWith("PIPE4003").Stderr);
        ws.Write("missing.json", "{\n  \"pipeline\": { \"name\": \"m\" },\n  \"transform\": { \"cmd\": [\"true\"] },\n  \"input\": { \"pfs\": { \"glob\": \"/*\",\n    \"repo\": \"nope\" } }\n}");
        Assert.Contains("missing.json(5,13): error PIPE4003: input repo 'nope' does not exist", ws.Run("pipeline", "create", "-f", "missing.json").ShouldFailWith("PIPE4003").Stderr);
        ws.Write("bad.json", "{ \"pipeline\": { \"name\": \"x\" }, ");
        ws.Run("pipeline", "create", "-f", "bad.json").ShouldFailWith("PIPE2003");
        ws.Run("job", "inspect", "ffff").ShouldFailWith("PIPE4006");
        ws.Run("pipeline", "inspect", "nope").ShouldFailWith("PIPE4001");
    }

    [Fact]
    public void Run_registers_the_workspace_pipeproj_files_and_runs_a_csharp_transform()
    {
        ws.Run("repo", "create", "numbers").ShouldSucceed();
        ws.Run("file", "put", "numbers@master:a.txt", "-f", ws.Write("a.txt", "1\n2\n3\n")).ShouldSucceed();
        ws.Run("file", "put", "numbers@master:b.txt", "-f", ws.Write("b.txt", "10\n20\n")).ShouldSucceed();
        ws.Write("sum/sum.cs", """
            // A .NET 10 file-based app: sums the numbers of each input file into /pfs/out/NAME.sum.
            var (input, output) = (args[0], args[1]);
            foreach (var file in Directory.GetFiles(input))
            {
                var sum = File.ReadAllLines(file).Where(l => l.Length > 0).Sum(long.Parse);
                File.WriteAllText(Path.Combine(output, Path.GetFileNameWithoutExtension(file) + ".sum"), sum + "\n");
            }
            """);
        ws.Write("sum/sum.pipeproj", """
            <Project Sdk="PipeBuild.Sdk">
              <PropertyGroup>
                <Command>dotnet run --file sum.cs -- /pfs/numbers /pfs/out</Command>
                <Parallelism>1</Parallelism>
              </PropertyGroup>
              <ItemGroup>
                <PipeInput Include="numbers" Glob="/*" />
                <TransformFile Include="sum.cs" />
              </ItemGroup>
            </Project>
            """);

        var question = ws.Run("run", "--question");
        Assert.Equal(1, question.ExitCode);
        Assert.Contains("sum.pipeproj is not registered yet; never run successfully; 2 datum(s) new, 0 changed, 0 removed, 0 reused", question.Stdout);
        var run = ws.Run("run").ShouldSucceed();
        Assert.Contains("registered pipeline 'sum'", run.Stderr);
        Assert.Contains("sum: success, 2 datum(s) ran", run.Stdout);
        Assert.Equal("6\n", ws.Run("file", "get", "sum@master:a.sum").ShouldSucceed().Stdout);
        Assert.Equal("30\n", ws.Run("file", "get", "sum@master:b.sum").ShouldSucceed().Stdout);

        // editing the transform's code changes its identity: every datum reruns
        File.AppendAllText(Path.Combine(ws.Root, "sum", "sum.cs"), "// changed\n");
        var status = ws.Run("status").ShouldSucceed().Stdout;
        Assert.Contains("transform changed since job", status);
        Assert.Contains("0 datum(s) new, 2 changed, 0 removed, 0 reused", status);
        Assert.Contains("sum: success, 2 datum(s) ran", ws.Run("run").ShouldSucceed().Stdout);
    }

    [Fact]
    public async Task Ctrl_c_and_job_kill_stop_a_running_job_and_keep_the_store_consistent()
    {
        CreateSlowPipeline();

        // Ctrl+C (SIGINT) once the datum runs (not after a fixed delay: a loaded machine starts it late):
        // the job ends killed, nothing is published
        using (var interrupt = new CancellationTokenSource())
        {
            var interrupted = ws.InterruptibleCommand(["run"]).ExecuteAsync(CancellationToken.None, interrupt.Token);
            Assert.NotNull(await RunningJobAsync());
            var started = DateTime.UtcNow;
            await interrupt.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => interrupted.Task);
            Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(30), "the transform was not stopped");
        }

        Assert.Equal("killed", JsonOutput.Parse(ws.Run("job", "list", "--output", "json"))[0].GetProperty("state").GetString());
        ws.Run("fsck").ShouldSucceed();
        ws.Run("file", "list", "slow@master").ShouldFailWith("PIPE5004");

        // job kill from another process
        var running = ws.RunAsync(["run"]);
        var job = await RunningJobAsync();
        Assert.NotNull(job);
        ws.Run("job", "kill", job!).ShouldSucceed();
        var result = await running.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.NotEqual(0, result.ExitCode);
        Assert.Equal("killed", JsonOutput.Parse(ws.Run("job", "inspect", job!, "--output", "json")).GetProperty("state").GetString());
        ws.Run("fsck").ShouldSucceed();
    }

    [Fact]
    public void A_command_meant_for_inside_an_image_says_so_under_the_local_executor_and_job_logs_shows_why()
    {
        // Pachyderm's specs name programs inside their image (seed 004's /code/train.py).
        ws.Run("repo", "create", "in").ShouldSucceed();
        ws.Run("file", "put", "in@master:a.txt", "-f", ws.Write("a.txt", "a")).ShouldSucceed();
        var spec = ws.Write("train.json", """
            {"pipeline":{"name":"train"},"transform":{"image":"example/train:1","cmd":["/code/train.py","/pfs/in"]},"input":{"pfs":{"repo":"in","glob":"/*"}}}
            """);

        var created = ws.Run("pipeline", "create", "-f", spec).ShouldFailWith("PIPE6001");

        Assert.Contains("cannot start '/code/train.py': there is no such file on this machine. It is expected inside the pipeline's image example/train:1", created.Stderr);
        Assert.Contains("--executor docker", created.Stderr);
        var job = JsonOutput.Parse(ws.Run("job", "list", "--output", "json"))[0].GetProperty("id").GetString()!;
        var logs = ws.Run("job", "logs", job).ShouldSucceed().Stdout;
        Assert.Contains($"=== job {job[..12]} failure before any datum logged ===", logs);
        Assert.Contains("expected inside the pipeline's image example/train:1", logs);
    }

    [Fact]
    public async Task A_running_jobs_counts_are_seen_from_another_shell_while_it_runs()
    {
        ws.Run("repo", "create", "in").ShouldSucceed();
        foreach (var name in new[] { "a.txt", "b.txt", "c-slow.txt" })
        {
            ws.Run("file", "put", $"in@master:{name}", "-f", ws.Write(name, name), "--no-run").ShouldSucceed();
        }

        ws.Write("partly.pipeproj", """
            <Project Sdk="PipeBuild.Sdk">
              <PropertyGroup><Parallelism>1</Parallelism><Command>case "${in##*/}" in *slow*) sleep 60;; esac; cp "$in" /pfs/out/</Command></PropertyGroup>
              <ItemGroup><PipeInput Include="in" Glob="/*" /></ItemGroup>
            </Project>
            """);
        ws.Run("pipeline", "create", "-f", "partly.pipeproj", "--no-run").ShouldSucceed();
        using var stop = new CancellationTokenSource();
        var run = ws.Command(["run"]).ExecuteAsync(stop.Token, CancellationToken.None);

        System.Text.Json.JsonElement? seen = null;
        for (var i = 0; i < 300 && seen is null; i++)
        {
            var job = JsonOutput.Parse(ws.Run("job", "list", "--output", "json")).EnumerateArray().FirstOrDefault();
            if (job.ValueKind == System.Text.Json.JsonValueKind.Object && job.GetProperty("state").GetString() == "running" && job.GetProperty("datumsProcessed").GetInt32() == 2)
            {
                seen = job;
            }
            else
            {
                await Task.Delay(200);
            }
        }

        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.Task);
        Assert.NotNull(seen); // 2 of 3 ran while the third still sleeps, as pachctl's "2 + 0 / 3"
        Assert.Equal((3, 0, 0), (seen.Value.GetProperty("datumsTotal").GetInt32(), seen.Value.GetProperty("datumsSkipped").GetInt32(), seen.Value.GetProperty("datumsFailed").GetInt32()));
    }

    [Fact]
    public async Task A_job_whose_process_was_killed_is_ended_by_the_next_command_and_its_scratch_removed()
    {
        CreateSlowPipeline();
        using var kill = new CancellationTokenSource();
        var run = ws.Command(["run"]).ExecuteAsync(kill.Token, CancellationToken.None); // the forceful token: SIGKILL
        var job = await RunningJobAsync();
        Assert.NotNull(job);
        var scratch = Path.Combine(ws.Root, ".pipe", "tmp", "jobs", job!);
        for (var i = 0; i < 300 && !Directory.Exists(scratch); i++)
        {
            await Task.Delay(200);
        }

        Assert.True(Directory.Exists(scratch), "the datum never started");
        await kill.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.Task);

        // the next command that reads the job finds its process gone: killed, scratch removed, output as it was
        var inspected = JsonOutput.Parse(ws.Run("job", "inspect", job!, "--output", "json"));
        Assert.Equal("killed", inspected.GetProperty("state").GetString());
        Assert.Contains("ended without finishing it", inspected.GetProperty("reason").GetString());
        Assert.False(Directory.Exists(scratch));
        ws.Run("file", "list", "slow@master").ShouldFailWith("PIPE5004");
        ws.Run("fsck").ShouldSucceed();

        // a scratch folder no job record names (left by a version before owners were recorded) goes with gc
        var stray = Directory.CreateDirectory(Path.Combine(ws.Root, ".pipe", "tmp", "jobs", "0123abcd")).FullName;
        Assert.Contains("removed 1 scratch folder(s)", ws.Run("gc", "--grace", "0").ShouldSucceed().Stderr);
        Assert.False(Directory.Exists(stray));
    }

    [Fact]
    public async Task Sigterm_stops_a_running_job_as_ctrl_c_does()
    {
        CreateSlowPipeline();

        var run = ws.Command(["run"]).ExecuteBufferedAsync();
        var job = await RunningJobAsync();
        Assert.NotNull(job);
        using (var kill = Process.Start("kill", ["-TERM", run.ProcessId.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        var result = await run.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(ExitCodes.Terminated, result.ExitCode);
        Assert.Contains("cancelled by SIGTERM", result.StandardError);
        Assert.DoesNotContain("internal error", result.StandardError);
        Assert.Equal("killed", JsonOutput.Parse(ws.Run("job", "inspect", job!, "--output", "json")).GetProperty("state").GetString());
        ws.Run("fsck").ShouldSucceed();
        ws.Run("file", "list", "slow@master").ShouldFailWith("PIPE5004");
    }

    /// <summary>Pipeline 'slow', registered without running: its one datum sleeps a minute.</summary>
    private void CreateSlowPipeline()
    {
        ws.Run("repo", "create", "in").ShouldSucceed();
        ws.Run("file", "put", "in@master:a.txt", "-f", ws.Write("a.txt", "a")).ShouldSucceed();
        ws.Write("slow.pipeproj", """
            <Project Sdk="PipeBuild.Sdk">
              <PropertyGroup><Command>sleep 60; cp "$in" /pfs/out/</Command></PropertyGroup>
              <ItemGroup><PipeInput Include="in" Glob="/*" /></ItemGroup>
            </Project>
            """);
        ws.Run("pipeline", "create", "-f", "slow.pipeproj", "--no-run").ShouldSucceed();
    }

    /// <summary>The id of the job in state running, once one is (up to a minute), or null.</summary>
    private async Task<string?> RunningJobAsync()
    {
        for (var i = 0; i < 300; i++)
        {
            var jobs = JsonOutput.Parse(ws.Run("job", "list", "--output", "json"));
            if (jobs.EnumerateArray().FirstOrDefault(j => j.GetProperty("state").GetString() == "running") is { ValueKind: System.Text.Json.JsonValueKind.Object } job)
            {
                return job.GetProperty("id").GetString();
            }

            await Task.Delay(200);
        }

        return null;
    }

    public void Dispose() => ws.Dispose();
}
