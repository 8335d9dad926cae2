namespace PipeBuild.Cli.Tests;

/// <summary><c>dotnet pipe job wait</c> (pachctl wait job): blocks until a job ends, prints its state, fails unless it succeeded.</summary>
public sealed class JobWaitTests : IDisposable
{
    private readonly TempWorkspace ws = new();

    [Fact]
    public async Task Wait_blocks_until_a_running_job_succeeds_and_prints_its_state()
    {
        // pachctl wait job: returns once the job has finished.
        var go = Path.Combine(ws.Root, "go");
        var (run, job) = await StartGatedJobAsync(go);
        var wait = ws.RunAsync(["job", "wait", $"gated@{job}"]);
        Assert.False(wait.IsCompleted); // the job waits for 'go', which does not exist yet

        File.WriteAllText(go, "");
        var waited = await wait.WaitAsync(TimeSpan.FromMinutes(1));

        waited.ShouldSucceed();
        Assert.Equal($"job {job} gated: success\n", waited.Stdout);
        Assert.Equal(0, (await run.WaitAsync(TimeSpan.FromMinutes(1))).ExitCode);
        Assert.Equal("success", JsonOutput.Parse(ws.Run("job", "wait", job[..8], "--output", "json")).GetProperty("state").GetString()); // an ended job: at once
    }

    [Fact]
    public async Task Wait_on_a_job_killed_meanwhile_fails_naming_the_job_and_its_state()
    {
        // pachctl wait job reports a job that did not succeed as an error.
        var (run, job) = await StartGatedJobAsync(Path.Combine(ws.Root, "never"));
        var wait = ws.RunAsync(["job", "wait", job]);

        ws.Run("job", "kill", job).ShouldSucceed();
        var waited = await wait.WaitAsync(TimeSpan.FromMinutes(1));

        waited.ShouldFailWith("PIPE4010");
        Assert.Contains($"job {job} gated: killed", waited.Stdout);
        Assert.Contains($"job {job} of pipeline 'gated' ended killed", waited.Stderr);
        await run.WaitAsync(TimeSpan.FromMinutes(1));
    }

    [Fact]
    public void Wait_on_a_failed_job_exits_1_and_on_an_unknown_job_is_an_error_that_changes_nothing()
    {
        ws.Run("repo", "create", "data").ShouldSucceed();
        ws.Run("file", "put", "data@master:a.txt", "-f", ws.Write("a.txt", "a")).ShouldSucceed();
        ws.Write("fail.json", """{"pipeline": {"name": "fail"}, "datum_tries": 1, "transform": {"cmd": ["sh", "-c", "exit 3"]}, "input": {"pfs": {"repo": "data", "glob": "/*"}}}""");
        ws.Run("pipeline", "create", "-f", "fail.json");
        var job = JsonOutput.Column(ws.Run("job", "list", "--output", "json"), "id")[0];
        var before = ws.StoreFingerprint();

        var failed = ws.Run("job", "wait", job).ShouldFailWith("PIPE4010");
        Assert.Contains($"job {job} fail: failure", failed.Stdout);
        Assert.Contains("1 of 1 datum(s) failed", failed.Stderr);
        Assert.Contains("job 'ffff0000' not found", ws.Run("job", "wait", "ffff0000").ShouldFailWith("PIPE4006").Stderr);
        Assert.Contains("not of 'other'", ws.Run("job", "wait", $"other@{job}").ShouldFailWith("PIPE4006").Stderr);
        ws.Run("wait", "job", "ffff0000").ShouldFailWith("PIPE4006"); // pachctl's verb-noun order
        Assert.Equal(before, ws.StoreFingerprint());
    }

    /// <summary>Starts a job (in a task, as another shell would) whose datum waits until <paramref name="go"/> exists.</summary>
    private async Task<(Task<PipeResult> Run, string Job)> StartGatedJobAsync(string go)
    {
        ws.Run("repo", "create", "data").ShouldSucceed();
        ws.Run("file", "put", "data@master:a.txt", "-f", ws.Write("in/a.txt", "a"), "--no-run").ShouldSucceed();
        ws.Write("gated.json", """{"pipeline": {"name": "gated"}, "datum_tries": 1, "transform": {"cmd": ["sh", "-c", "while [ ! -e GO_FILE ]; do sleep 0.05; done; cp /pfs/data/* /pfs/out/"]}, "input": {"pfs": {"repo": "data", "glob": "/*"}}}""".Replace("GO_FILE", go, StringComparison.Ordinal));
        ws.Run("pipeline", "create", "-f", "gated.json", "--no-run").ShouldSucceed();
        var run = ws.RunAsync(["run"]);
        string? job = null;
        for (var tries = 0; job is null && tries < 600 && !run.IsCompleted; tries++)
        {
            await Task.Delay(100);
            job = JsonOutput.Column(ws.Run("job", "list", "--output", "json"), "id").FirstOrDefault();
        }

        Assert.True(job is not null, run.IsCompleted ? (await run).Stderr : "no job started within a minute");
        return (run, job!);
    }

    public void Dispose() => ws.Dispose();
}
