using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PipeBuild.Executors.Kubernetes.Tests;

/// <summary>
/// The kubernetes executor through <c>dotnet pipe</c> on an S3 workspace (s3rver), against the API stand-in
/// whose pods are real <c>dotnet pipe worker</c> processes that reach the store only through the Secret's keys.
/// </summary>
public sealed class KubernetesS3Tests : IAsyncLifetime
{
    private const string Namespace = "pipebuild";
    private readonly string root = Directory.CreateTempSubdirectory("pipe-k8s-s3-").FullName;
    private readonly List<S3Workspace> workspaces = [];
    private readonly KubernetesStandIn standIn;

    public KubernetesS3Tests()
    {
        standIn = new KubernetesStandIn { StartPods = true, PodDirectory = root };
        standIn.AddSecret(Namespace, "pipebuild-store", S3rver.SecretData);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    [SkippableFact]
    public async Task A_kubernetes_pipeline_on_s3_commits_exactly_what_the_local_executor_commits()
    {
        S3rver.Require();
        var cluster = Workspace("e2e-kubernetes", standIn.WriteKubeconfig(root, Namespace));
        var local = Workspace("e2e-local");
        var podLogs = new List<string>();
        foreach (var (ws, executor) in new[] { (cluster, "kubernetes"), (local, "local") })
        {
            ws.Run("repo", "create", "words").ShouldSucceed();
            foreach (var (name, text) in new[] { ("a.txt", "alpha\n"), ("b.txt", "bravo\n"), ("c.txt", "charlie\n") })
            {
                ws.Run("file", "put", $"words@master:{name}", "-f", ws.Write(name, text), "--no-run").ShouldSucceed();
            }

            var created = ws.Run("pipeline", "create", "-f", ws.Write("upper.pipeproj", Upper(executor))).ShouldSucceed();
            Assert.Contains("success, 3 datum(s) ran, 0 reused, 0 failed of 3", created.Stdout + created.Stderr);
            if (ws == cluster)
            {
                podLogs.Add(await CompletedJobLogsAsync());
            }

            // A new input file: its datum runs, the other three are reused.
            var put = ws.Run("file", "put", "words@master:d.txt", "-f", ws.Write("d.txt", "delta\n")).ShouldSucceed();
            Assert.Contains("success, 1 datum(s) ran, 3 reused, 0 failed of 4", put.Stderr);
            Assert.Equal("DELTA\n", ws.Run("file", "get", "upper@master:d.txt").ShouldSucceed().Stdout);
            if (ws == cluster)
            {
                podLogs.Add(await CompletedJobLogsAsync());
            }
        }

        // The same jobs: states, datum counts, bytes, transform, and every datum with its hash and result.
        var clusterJobs = Jobs(cluster);
        var localJobs = Jobs(local);
        Assert.Equal(2, clusterJobs.Count);
        Assert.Equal(localJobs.Select(j => Stats(local, j)), clusterJobs.Select(j => Stats(cluster, j)));

        // The same output commit content, and provenance naming the workspace's own input commit.
        foreach (var ws in new[] { cluster, local })
        {
            var output = JsonOutput.Parse(ws.Run("commit", "inspect", "upper@master", "--output", "json"));
            var input = JsonOutput.Parse(ws.Run("commit", "inspect", "words@master", "--output", "json")).GetProperty("id").GetString();
            Assert.Equal(Jobs(ws)[^1].GetProperty("outputCommit").GetString(), output.GetProperty("id").GetString());
            var provenance = Assert.Single(output.GetProperty("provenance").EnumerateArray());
            Assert.Equal(("words", "master", input), (provenance.GetProperty("repo").GetString(), provenance.GetProperty("branch").GetString(), provenance.GetProperty("commit").GetString()));
            ws.Run("fsck").ShouldSucceed();
        }

        Assert.Equal(Tree(local), Tree(cluster));
        Assert.Equal(
            JsonOutput.Column(local.Run("file", "list", "upper@master", "--output", "json"), "path"),
            JsonOutput.Column(cluster.Run("file", "list", "upper@master", "--output", "json"), "path"));

        // Each run was one Job in the kubeconfig's namespace whose pods, not the engine, ran the datums: all of
        // the first run's, only the new one of the second. The second run removed the first run's Job, as it
        // removes every Job of the pipeline whose run is over.
        Assert.Equal($"pipe-upper-{clusterJobs[1].GetProperty("id").GetString()![..12]}", JobName(Assert.Single(standIn.Jobs)));
        Assert.Contains(standIn.Requests, r => r.Method == "DELETE" && r.PathAndQuery.StartsWith($"/apis/batch/v1/namespaces/{Namespace}/jobs/pipe-upper-{clusterJobs[0].GetProperty("id").GetString()![..12]}?", StringComparison.Ordinal));
        var container = standIn.Jobs.Single()["spec"]!["template"]!["spec"]!["containers"]![0]!;
        Assert.Equal(cluster.Store, container["env"]!.AsArray().Single(e => e!["name"]!.GetValue<string>() == "PIPE_STORE")!["value"]!.GetValue<string>());
        Assert.All(new[] { "words:/a.txt", "words:/b.txt", "words:/c.txt" }, d => Assert.Contains(d, podLogs[0]));
        Assert.Contains("words:/d.txt", podLogs[1]);
        Assert.DoesNotContain("words:/a.txt", podLogs[1]); // reused, never sent to a pod
        Assert.Equal(3, Completed(podLogs[0]));
        Assert.Equal(1, Completed(podLogs[1]));
    }

    [SkippableFact]
    public async Task Job_kill_deletes_the_runs_Kubernetes_Job_and_the_engine_stops()
    {
        S3rver.Require();
        var ws = Workspace("kill", standIn.WriteKubeconfig(root, Namespace));
        var (job, engine) = await StartSlowJobAsync(ws);
        var name = JobName(job);

        var killed = ws.Run("job", "kill", Label(job)[..12]).ShouldSucceed();

        Assert.Contains($"job {Label(job)} is killed", killed.Stdout);
        var result = await engine.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.NotEqual(0, result.ExitCode);
        await WaitForAsync(() => standIn.Jobs.Count == 0 && standIn.PodNames.Count == 0 ? "" : null, AllLogs);
        Assert.Contains(standIn.Requests, r => r.Method == "DELETE" && r.PathAndQuery == $"/apis/batch/v1/namespaces/{Namespace}/jobs/{name}?propagationPolicy=Background");
        Assert.Equal("killed", JsonOutput.Parse(ws.Run("job", "inspect", Label(job), "--output", "json")).GetProperty("state").GetString());
        ws.Run("commit", "list", "upper@master").ShouldFailWith(Core.ErrorCodes.BranchNotFound); // no output was published
        ws.Run("fsck").ShouldSucceed();
    }

    [SkippableFact]
    public async Task Job_kill_after_the_engine_crashed_deletes_the_left_over_Kubernetes_Job()
    {
        S3rver.Require();
        var ws = Workspace("kill-crashed", standIn.WriteKubeconfig(root, Namespace));
        using var crash = new CancellationTokenSource();
        var (job, engine) = await StartSlowJobAsync(ws, crash.Token);
        await crash.CancelAsync(); // kills the engine process: nobody is left to delete the Job but job kill
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => engine);
        Assert.Single(standIn.Jobs);

        var killed = ws.Run("job", "kill", Label(job)).ShouldSucceed();

        Assert.Contains($"deleted Kubernetes Job {JobName(job)}", killed.Stderr);
        Assert.Empty(standIn.Jobs);
        Assert.Empty(standIn.PodNames);
        Assert.Equal("killed", JsonOutput.Parse(ws.Run("job", "inspect", Label(job), "--output", "json")).GetProperty("state").GetString());
    }

    public async Task DisposeAsync()
    {
        await standIn.DisposeAsync();
        foreach (var ws in workspaces)
        {
            ws.Dispose();
        }

        Directory.Delete(root, recursive: true);
    }

    /// <summary>Starts a kubernetes job whose datum sleeps; returns its Job once a pod runs the datum, and the engine.</summary>
    private async Task<(JsonObject Job, Task<PipeResult> Engine)> StartSlowJobAsync(S3Workspace ws, CancellationToken crash = default)
    {
        ws.Run("repo", "create", "words").ShouldSucceed();
        ws.Run("file", "put", "words@master:a.txt", "-f", ws.Write("a.txt", "alpha\n"), "--no-run").ShouldSucceed();
        var engine = ws.RunAsync(["pipeline", "create", "-f", ws.Write("upper.pipeproj", Upper("kubernetes", "sleep 300"))], crash);
        var job = await WaitForAsync(() => standIn.Jobs.SingleOrDefault(), () => engine.IsCompleted ? engine.Result.Stderr : "");
        await WaitForAsync(() => standIn.LogsOf(JobName(job)).Contains("running datum", StringComparison.Ordinal) ? "" : null, AllLogs);
        return (job, engine);
    }

    private S3Workspace Workspace(string purpose, string? kubeconfig = null)
    {
        var ws = new S3Workspace(purpose, kubeconfig);
        workspaces.Add(ws);
        return ws;
    }

    private static string Upper(string executor, string? before = null) => $"""
        <Project Sdk="PipeBuild.Sdk">
          <PropertyGroup>
            <Executor>{executor}</Executor>
            <Image>registry.example/pipe-tools:1.0</Image>
            <Parallelism>2</Parallelism>
            <Command>{(before is null ? "" : before + " &amp;&amp; ")}cd /pfs/words &amp;&amp; for f in *; do tr a-z A-Z &lt; "%24f" &gt; "/pfs/out/%24f"; done</Command>
          </PropertyGroup>
          <ItemGroup>
            <PipeInput Include="words" Glob="/*" />
          </ItemGroup>
        </Project>
        """;

    private static List<JsonElement> Jobs(S3Workspace ws) =>
        [.. JsonOutput.Parse(ws.Run("job", "list", "--output", "json")).EnumerateArray().OrderBy(j => j.GetProperty("started").GetDateTimeOffset())];

    /// <summary>What a job did, without its ids and times.</summary>
    private static string Stats(S3Workspace ws, JsonElement job)
    {
        var datums = JsonOutput.Parse(ws.Run("datum", "list", job.GetProperty("id").GetString()!, "--output", "json")).EnumerateArray()
            .Select(d => $"{d.GetProperty("id")}:{d.GetProperty("hash")}:{d.GetProperty("state")}:{d.GetProperty("logHash")}")
            .Order(StringComparer.Ordinal);
        string[] counts = ["state", "datumsTotal", "datumsProcessed", "datumsSkipped", "datumsFailed", "bytesDownloaded", "bytesUploaded", "transformHash"];
        return string.Join(" ", counts.Select(c => $"{c}={job.GetProperty(c)}")) + "\n" + string.Join("\n", datums);
    }

    private static string? Tree(S3Workspace ws) =>
        JsonOutput.Parse(ws.Run("commit", "inspect", "upper@master", "--output", "json")).GetProperty("tree").GetString();

    /// <summary>The logs of the run's Job's pods once the closed run let every worker exit 0 and the Job completed.</summary>
    private async Task<string> CompletedJobLogsAsync()
    {
        var name = JobName(Assert.Single(standIn.Jobs)); // an earlier run's Job is gone: see the caller
        await WaitForAsync(() => standIn.Jobs.SingleOrDefault(j => JobName(j) == name)?["status"]?["conditions"]?[0]?["type"]?.GetValue<string>() == "Complete" ? "" : null, AllLogs);
        return standIn.LogsOf(name);
    }

    /// <summary>The datums the pods say they completed, from their "run closed" lines.</summary>
    private static int Completed(string logs) =>
        System.Text.RegularExpressions.Regex.Matches(logs, @"run closed; this worker completed (\d+) datum").Sum(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));

    private static string JobName(JsonObject job) => job["metadata"]!["name"]!.GetValue<string>();

    private static string Label(JsonObject job) => job["metadata"]!["labels"]!["pipebuild.io/job"]!.GetValue<string>();

    private string AllLogs() => string.Join("\n", standIn.Jobs.Select(j => standIn.LogsOf(JobName(j))));

    private static async Task<T> WaitForAsync<T>(Func<T?> probe, Func<string> diagnostics)
        where T : class
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(90))
        {
            if (probe() is { } value)
            {
                return value;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"the stand-in never got there:\n{diagnostics()}");
    }
}
