using System.Text.Json;

namespace PipeBuild.Cli.Tests;

/// <summary>
/// Pachyderm's error handlers (<c>transform.err_cmd</c>, <c>err_stdin</c>; its how-to "Skip Failed Datums"): a datum
/// whose tries all fail runs the error handler; when that succeeds the datum is recovered, so it is not in the
/// output and the job does not fail; when it fails too, the datum fails the job as before.
/// </summary>
public sealed class ErrorHandlerTests : IDisposable
{
    private readonly TempWorkspace ws = new();

    public ErrorHandlerTests()
    {
        ws.Run("repo", "create", "readings").ShouldSucceed();
        ws.Write("clean.json", """
            {
              "pipeline": { "name": "clean" },
              "transform": {
                "cmd": ["sh"],
                "stdin": ["for f in /pfs/readings/*; do grep -q '^[0-9]*$' \"$f\" || { echo \"not a number: $f\"; exit 1; }; cp \"$f\" /pfs/out/; done"],
                "err_cmd": ["sh"],
                "err_stdin": ["for f in /pfs/readings/*; do grep -q unreadable \"$f\" && exit 1; done; echo 'skipping a bad reading'; exit 0"]
              },
              "input": { "pfs": { "repo": "readings", "glob": "/*" } },
              "datum_tries": 1
            }
            """);
    }

    [Fact]
    public void A_recovered_datum_is_left_out_of_the_output_and_the_job_succeeds()
    {
        Put("a.txt", "1\n");
        Put("b.txt", "oops\n");
        Put("c.txt", "3\n");

        ws.Run("pipeline", "create", "-f", "clean.json").ShouldSucceed();

        Assert.Equal(["a.txt", "c.txt"], JsonOutput.Column(ws.Run("file", "list", "clean@master", "--output", "json"), "path").Select(Path.GetFileName));
        var job = LastJob();
        Assert.Equal("success", job.GetProperty("state").GetString());
        Assert.Equal(1, job.GetProperty("datumsRecovered").GetInt32());
        Assert.Equal(0, job.GetProperty("datumsFailed").GetInt32());
        Assert.Contains("3 ran (1 recovered), 0 reused, 0 failed, 3 total", ws.Run("job", "inspect", job.GetProperty("id").GetString()!).ShouldSucceed().Stdout);
        var logs = ws.Run("job", "logs", job.GetProperty("id").GetString()!).ShouldSucceed().Stdout;
        Assert.Matches("not a number: .*/readings/b.txt", logs); // the command's own try
        Assert.Contains("--- error handler: success, the datum is recovered ---\nskipping a bad reading", logs);

        // Later jobs reuse the recovered datum as Pachyderm skips it: only the new file runs.
        Put("d.txt", "4\n");
        Assert.Equal(1, LastJob().GetProperty("datumsProcessed").GetInt32());
        Assert.Equal(3, JsonOutput.Column(ws.Run("file", "list", "clean@master", "--output", "json"), "path").Length);
    }

    [Fact]
    public void A_recovered_datum_stays_recovered_when_the_job_rebuilds_an_output_someone_moved_meanwhile()
    {
        // A datum that puts a file into the pipeline's output branch moves it during the job: planned from the input's
        // changes, the job cannot finish that output and plans every datum again (reusing what it ran).
        ws.Write("clean.json", $$$"""
            {
              "pipeline": { "name": "clean" },
              "transform": {
                "cmd": ["sh"],
                "stdin": ["for f in /pfs/readings/*; do if grep -q move \"$f\"; then dotnet {{{PipeCli.ToolPath}}} file put clean@master:/stray.txt -f \"$f\" --no-run --workspace {{{ws.Root}}} || exit 9; fi; grep -q '^[0-9]*$' \"$f\" || exit 1; cp \"$f\" /pfs/out/; done"],
                "err_cmd": ["sh", "-c", "for f in /pfs/readings/*; do grep -q move \"$f\" && exit 1; done; exit 0"]
              },
              "input": { "pfs": { "repo": "readings", "glob": "/*" } },
              "datum_tries": 1
            }
            """);
        Put("a.txt", "1\n");
        ws.Run("pipeline", "create", "-f", "clean.json").ShouldSucceed();
        ws.Run("file", "put", "readings@master:b.txt", "-f", ws.Write("in/b.txt", "oops\n"), "--no-run").ShouldSucceed();
        ws.Run("file", "put", "readings@master:c.txt", "-f", ws.Write("in/c.txt", "3\nmove\n"), "--no-run").ShouldSucceed();

        ws.Run("run").ShouldSucceed();

        var job = LastJob();
        Assert.Equal((3, 1), (job.GetProperty("datumsProcessed").GetInt32() + job.GetProperty("datumsSkipped").GetInt32(), job.GetProperty("datumsRecovered").GetInt32()));
        var states = JsonOutput.Parse(ws.Run("datum", "list", job.GetProperty("id").GetString()!, "--output", "json")).EnumerateArray()
            .ToDictionary(d => Path.GetFileName(d.GetProperty("description").GetString()!), d => d.GetProperty("state").GetString());
        Assert.Equal("recovered", states.Single(p => p.Key.Contains("b.txt", StringComparison.Ordinal)).Value);
    }

    [Fact]
    public void A_datum_whose_error_handler_fails_fails_the_job()
    {
        Put("a.txt", "1\n");
        Put("b.txt", "unreadable\n");

        var result = ws.Run("pipeline", "create", "-f", "clean.json");

        Assert.Equal(2, result.ExitCode); // a failed job
        var job = LastJob();
        Assert.Equal("failure", job.GetProperty("state").GetString());
        Assert.Equal(1, job.GetProperty("datumsFailed").GetInt32());
        Assert.False(job.TryGetProperty("datumsRecovered", out _));
        Assert.Contains("--- error handler: exit code 1", ws.Run("job", "logs", job.GetProperty("id").GetString()!).Stdout);
    }

    [Fact]
    public void A_pipeproj_error_command_runs_with_its_command_shell()
    {
        Put("a.txt", "oops\n");
        ws.Write("clean.pipeproj", """
            <Project Sdk="PipeBuild.Sdk">
              <PropertyGroup>
                <Command>grep -q '^[0-9]*$' "$readings" &amp;&amp; cp "$readings" /pfs/out/</Command>
                <ErrorCommand>echo "skipped `basename "$readings"`"</ErrorCommand>
                <DatumTries>1</DatumTries>
              </PropertyGroup>
              <ItemGroup>
                <PipeInput Include="readings" Glob="/*" />
              </ItemGroup>
            </Project>
            """);

        Assert.Contains("Error command", ws.Run("pipeline", "inspect", "-f", "clean.pipeproj").ShouldSucceed().Stdout);
        ws.Run("run").ShouldSucceed();

        Assert.Equal(1, LastJob().GetProperty("datumsRecovered").GetInt32());
        Assert.Contains("skipped a.txt", ws.Run("job", "logs", LastJob().GetProperty("id").GetString()!).Stdout);
    }

    private void Put(string name, string content) =>
        ws.Run("file", "put", $"readings@master:{name}", "-f", ws.Write($"in/{name}", content)).ShouldSucceed();

    private JsonElement LastJob() =>
        JsonOutput.Parse(ws.Run("job", "list", "--output", "json")).EnumerateArray().OrderByDescending(j => j.GetProperty("started").GetDateTimeOffset()).First();

    public void Dispose() => ws.Dispose();
}
