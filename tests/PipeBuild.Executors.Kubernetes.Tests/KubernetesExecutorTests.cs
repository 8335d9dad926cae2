using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using k8s;
using PipeBuild.Core;
using PipeBuild.Core.Pipelines;
using PipeBuild.Engine;
using PipeBuild.Executors.Local;
using PipeBuild.Store;
using PipeBuild.Store.Local;
using PipeBuild.Workers;

namespace PipeBuild.Executors.Kubernetes.Tests;

/// <summary>The kubernetes executor against the local API stand-in: its calls, its manifests, kill and cleanup.</summary>
public sealed class KubernetesExecutorTests : IAsyncLifetime
{
    private const string Namespace = "ml";
    private readonly string root = Directory.CreateTempSubdirectory("pipe-k8s-").FullName;
    private readonly VersionStore store;
    private KubernetesStandIn standIn = null!;

    public KubernetesExecutorTests() => store = new VersionStore(new LocalObjectStore(Path.Combine(root, ".pipe")));

    public Task InitializeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_run_becomes_one_Job_with_the_pipelines_settings_and_its_worker_delivers_the_outcome()
    {
        standIn = new KubernetesStandIn();
        await using var executor = Executor();
        var work = await WorkAsync(Spec());
        var running = executor.RunAsync(work, default);
        var job = await WaitForAsync(() => standIn.Jobs.SingleOrDefault());

        // The manifest: image, parallelism, labels, the store by env and its credentials by Secret reference.
        Assert.Equal($"pipe-double-{work.JobId[..12]}", job["metadata"]!["name"]!.GetValue<string>());
        Assert.Equal(Namespace, job["metadata"]!["namespace"]!.GetValue<string>());
        var labels = job["metadata"]!["labels"]!;
        Assert.Equal("pipebuild", labels["app.kubernetes.io/managed-by"]!.GetValue<string>());
        Assert.Equal("double", labels["pipebuild.io/pipeline"]!.GetValue<string>());
        Assert.Equal(work.JobId, labels["pipebuild.io/job"]!.GetValue<string>());
        Assert.Equal("ml-team", labels["team"]!.GetValue<string>());
        var spec = job["spec"]!;
        Assert.Equal(3, spec["parallelism"]!.GetValue<int>());
        Assert.Null(spec["completions"]);
        var pod = spec["template"]!["spec"]!;
        Assert.Equal(work.JobId, spec["template"]!["metadata"]!["labels"]!["pipebuild.io/job"]!.GetValue<string>());
        Assert.Equal("Never", pod["restartPolicy"]!.GetValue<string>());
        Assert.Equal("pipe-runner", pod["serviceAccountName"]!.GetValue<string>());
        Assert.Equal("ssd", pod["nodeSelector"]!["disktype"]!.GetValue<string>());
        Assert.Equal("regcred", pod["imagePullSecrets"]![0]!["name"]!.GetValue<string>());
        var container = pod["containers"]![0]!;
        Assert.Equal("registry.example/pipe-tools:1.0", container["image"]!.GetValue<string>());
        Assert.Equal("dotnet pipe worker --job " + work.JobId, string.Join(' ', container["command"]!.AsArray().Concat(container["args"]!.AsArray()).Select(n => n!.GetValue<string>())));
        Assert.Equal("s3://pipebuild-k8s/runs", Env(container, "PIPE_STORE")!["value"]!.GetValue<string>());
        Assert.Equal("metadata.name", Env(container, "PIPE_WORKER_NAME")!["valueFrom"]!["fieldRef"]!["fieldPath"]!.GetValue<string>());
        Assert.Equal("s3-credentials", container["envFrom"]![0]!["secretRef"]!["name"]!.GetValue<string>());
        Assert.Equal(["PIPE_STORE", "PIPE_WORKER_NAME"], container["env"]!.AsArray().Select(e => e!["name"]!.GetValue<string>())); // no credentials inline
        Assert.Equal("500m", container["resources"]!["requests"]!["cpu"]!.GetValue<string>());
        Assert.Equal("1Gi", container["resources"]!["limits"]!["memory"]!.GetValue<string>());
        Assert.Null(container["workingDir"]); // the image's own, and its user
        Assert.Null(container["securityContext"]);

        // A pod's worker (here in this process, on the same store) claims the datum and reports it.
        var worker = new Worker(store.Objects, new LocalExecutor(), new WorkerOptions(work.JobId, "pod-0", Path.Combine(root, "scratch")) { PollInterval = TimeSpan.FromMilliseconds(50) }, TextWriter.Null).RunAsync(default);
        var outcome = await running.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(outcome.Succeeded, outcome.Reason);
        var output = Assert.Single(outcome.Outputs);
        Assert.Equal("n7.txt", output.Path);
        Assert.Equal("14\n", Encoding.UTF8.GetString(await store.Content.ReadAllAsync(output.Content, default)));

        await executor.DisposeAsync();
        Assert.Equal(1, await worker.WaitAsync(TimeSpan.FromSeconds(30))); // the closed run lets the worker go
        Assert.NotEmpty(standIn.Jobs); // a finished run's Job stays for its logs; its TTL removes it
        Assert.All(standIn.Requests, r => Assert.Equal($"Bearer {KubernetesStandIn.Token}", r.Authorization));
        Assert.Contains(standIn.Requests, r => r.Method == "GET" && r.PathAndQuery.StartsWith("/apis/batch/v1/namespaces/ml/jobs?", StringComparison.Ordinal)
            && Uri.UnescapeDataString(r.PathAndQuery).Contains("labelSelector=app.kubernetes.io/managed-by=pipebuild,pipebuild.io/pipeline=double", StringComparison.Ordinal));
        Assert.Contains(standIn.Requests, r => r.Method == "POST" && r.PathAndQuery == "/apis/batch/v1/namespaces/ml/jobs");
        Assert.Contains(standIn.Requests, r => r.Method == "GET" && r.PathAndQuery.Contains("watch=true", StringComparison.Ordinal)
            && Uri.UnescapeDataString(r.PathAndQuery).Contains($"fieldSelector=metadata.name={job["metadata"]!["name"]}", StringComparison.Ordinal));
        Assert.DoesNotContain(standIn.Requests, r => r.Method == "DELETE");
    }

    [Fact]
    public async Task A_WorkingDir_and_a_numeric_User_are_the_worker_containers_and_its_worker_runs_the_datum_there()
    {
        standIn = new KubernetesStandIn();
        await using var executor = Executor();
        var folder = Directory.CreateDirectory(Path.Combine(root, "code")).FullName;
        var user = CallingUser.ContainerUser!;
        var work = await WorkAsync(Spec() with { Command = ["sh", "-c", "pwd > /pfs/out/pwd"], WorkingDir = folder, User = user });
        var running = executor.RunAsync(work, default);
        var container = (await WaitForAsync(() => standIn.Jobs.SingleOrDefault()))["spec"]!["template"]!["spec"]!["containers"]![0]!;

        Assert.Equal(folder, container["workingDir"]!.GetValue<string>());
        Assert.Equal(user, $"{container["securityContext"]!["runAsUser"]}:{container["securityContext"]!["runAsGroup"]}");

        // The pod's worker runs the transform in WorkingDir, as the User it runs as.
        var worker = new Worker(store.Objects, new LocalExecutor(), new WorkerOptions(work.JobId, "pod-0", Path.Combine(root, "scratch")) { PollInterval = TimeSpan.FromMilliseconds(50) }, TextWriter.Null).RunAsync(default);
        var outcome = await running.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(outcome.Succeeded, outcome.Reason);
        Assert.Equal(folder + "\n", Encoding.UTF8.GetString(await store.Content.ReadAllAsync(Assert.Single(outcome.Outputs).Content, default)));
        await executor.DisposeAsync();
        Assert.Equal(1, await worker.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Theory]
    [InlineData("1000", 1000L, null)]
    [InlineData("1000:2000", 1000L, 2000L)]
    [InlineData("1000:staff", 1000L, null)]
    [InlineData("nobody", null, null)] // Kubernetes takes no names: the pod runs as its image's user, which the worker checks
    public void A_User_becomes_runAsUser_and_runAsGroup_when_it_is_numeric(string user, long? uid, long? gid)
    {
        var container = JobManifest.Build(Spec() with { User = user }, new string('a', 32), Namespace, new KubernetesExecutorOptions("s3://bucket/prefix")).Spec.Template.Spec.Containers[0];

        Assert.Equal((uid, gid), (container.SecurityContext?.RunAsUser, container.SecurityContext?.RunAsGroup));
    }

    [Fact]
    public async Task Killing_a_run_deletes_its_Job_and_closes_the_run()
    {
        standIn = new KubernetesStandIn();
        await using var executor = Executor();
        var work = await WorkAsync(Spec());
        using var kill = new CancellationTokenSource();
        var running = executor.RunAsync(work, kill.Token);
        var name = (await WaitForAsync(() => standIn.Jobs.SingleOrDefault()))["metadata"]!["name"]!.GetValue<string>();
        await WaitForAsync(() => standIn.PodNames.Count == 3 ? "" : null);

        await kill.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);

        Assert.Empty(standIn.Jobs);
        Assert.Empty(standIn.PodNames);
        Assert.Contains(standIn.Requests, r => r.Method == "DELETE" && r.PathAndQuery == $"/apis/batch/v1/namespaces/ml/jobs/{name}?propagationPolicy=Background");
        Assert.True((await ReadRunAsync(work.JobId))!.Closed);
    }

    [Fact]
    public async Task Job_kill_from_another_process_finds_the_Jobs_by_label()
    {
        standIn = new KubernetesStandIn();
        var jobId = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
        standIn.AddJob(Namespace, LeftoverJob("pipe-double-a", "double", jobId));
        standIn.AddJob(Namespace, LeftoverJob("pipe-other-b", "other", Convert.ToHexStringLower(Guid.NewGuid().ToByteArray())));
        await using var executor = Executor();

        var deleted = await executor.DeleteJobsAsync(Namespace, jobId, default);

        Assert.Equal(["pipe-double-a"], deleted);
        Assert.Equal(["pipe-other-b"], standIn.Jobs.Select(j => j["metadata"]!["name"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_crashed_runs_Job_is_found_by_label_and_deleted_while_a_live_runs_Job_stays()
    {
        standIn = new KubernetesStandIn();
        var crashed = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
        var live = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
        var spec = Spec();
        await WriteRunAsync(new WorkRun { JobId = crashed, Spec = spec, LeaseSeconds = 2, Alive = DateTimeOffset.UtcNow.AddHours(-1) });
        await WriteRunAsync(new WorkRun { JobId = live, Spec = spec, LeaseSeconds = 30, Alive = DateTimeOffset.UtcNow });
        standIn.AddJob(Namespace, LeftoverJob("pipe-double-crashed", "double", crashed));
        standIn.AddJob(Namespace, LeftoverJob("pipe-double-live", "double", live));
        await using var executor = Executor();
        using var stop = new CancellationTokenSource();
        var work = await WorkAsync(spec);

        var running = executor.RunAsync(work, stop.Token);
        await WaitForAsync(() => standIn.Jobs.Count == 2 && standIn.Jobs.Any(j => j["metadata"]!["labels"]!["pipebuild.io/job"]!.GetValue<string>() == work.JobId) ? "" : null);

        Assert.Equal(new[] { "pipe-double-live", $"pipe-double-{work.JobId[..12]}" }.Order(StringComparer.Ordinal), standIn.Jobs.Select(j => j["metadata"]!["name"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        Assert.True((await ReadRunAsync(crashed))!.Closed);
        Assert.False((await ReadRunAsync(live))!.Closed);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
    }

    [Fact]
    public async Task Pods_that_keep_failing_fail_the_run_with_their_logs()
    {
        standIn = new KubernetesStandIn { StartPods = true, PodDirectory = root };
        standIn.AddSecret(Namespace, "s3-credentials", new() { ["AWS_ACCESS_KEY_ID"] = "standin" });
        // An image whose worker does not understand the executor's command line.
        await using var executor = Executor(["dotnet", "pipe", "worker", "--no-such-option"]);
        var work = await WorkAsync(Spec() with { Parallelism = 1 });

        var error = await Assert.ThrowsAsync<PipeException>(() => executor.RunAsync(work, default).WaitAsync(TimeSpan.FromSeconds(120)));

        Assert.Equal(ErrorCodes.WorkersFailed, error.Code);
        Assert.Contains("BackoffLimitExceeded", error.Message);
        Assert.Contains("--no-such-option", error.Message); // the pod's log
        Assert.Contains(standIn.Requests, r => r.Method == "GET" && r.PathAndQuery.StartsWith("/api/v1/namespaces/ml/pods?", StringComparison.Ordinal));
        Assert.Contains(standIn.Requests, r => r.Method == "GET" && r.PathAndQuery.Contains("/log?", StringComparison.Ordinal) && r.PathAndQuery.Contains("tailLines=10", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_pod_that_cannot_pull_its_image_fails_the_run_after_the_pending_timeout_naming_the_pod_and_why()
    {
        standIn = new KubernetesStandIn { StartPods = true, PodDirectory = root, CanPull = image => image != "registry.example/missing:1.0" };
        standIn.AddSecret(Namespace, "s3-credentials", new() { ["AWS_ACCESS_KEY_ID"] = "standin" });

        var (error, waited, work) = await RunStuckAsync(Spec() with { Image = "registry.example/missing:1.0" });

        Assert.Matches($"Job ml/pipe-double-{work.JobId[..12]} has had no running worker pod for 3 s \\(KubernetesPendingTimeout\\): pod pipe-double-{work.JobId[..12]}-[0-9a-f]{{5}} is waiting: ImagePullBackOff \\(Back-off pulling image \"registry.example/missing:1.0\"\\)", error.Message);
        Assert.Contains("Check that the image 'registry.example/missing:1.0' exists", error.Message);
        Assert.InRange(waited, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task A_pod_whose_store_Secret_is_missing_fails_the_run_after_the_pending_timeout_naming_the_Secret()
    {
        standIn = new KubernetesStandIn { StartPods = true, PodDirectory = root }; // no Secret s3-credentials in ml

        var (error, _, _) = await RunStuckAsync(Spec());

        Assert.Contains("is waiting: CreateContainerConfigError (secret \"s3-credentials\" not found)", error.Message);
        Assert.Contains("Check that the Secret 's3-credentials' (KubernetesStoreSecret) exists in namespace ml", error.Message);
    }

    [Fact]
    public async Task A_local_store_or_a_missing_image_is_refused_before_anything_is_created()
    {
        standIn = new KubernetesStandIn();
        await using var local = Executor(storeLocation: "local");
        var error = await Assert.ThrowsAsync<PipeException>(async () => await local.RunAsync(await WorkAsync(Spec()), default));
        Assert.Equal(ErrorCodes.KubernetesNeedsSharedStore, error.Code);
        Assert.Contains("s3://", error.Message);

        await using var executor = Executor();
        error = await Assert.ThrowsAsync<PipeException>(async () => await executor.RunAsync(await WorkAsync(Spec() with { Image = null }), default));
        Assert.Equal(ErrorCodes.KubernetesNoImage, error.Code);
        Assert.Empty(standIn.Requests);
    }

    public async Task DisposeAsync()
    {
        if (standIn is not null)
        {
            await standIn.DisposeAsync();
        }

        await store.Objects.DisposeAsync();
        foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
        {
            File.SetAttributes(file, FileAttributes.Normal);
        }

        Directory.Delete(root, recursive: true);
    }

    /// <summary>Runs a datum whose pods never start, with a 3 s pending timeout: the error, how long it took, the work.</summary>
    private async Task<(PipeException Error, TimeSpan Waited, DatumWork Work)> RunStuckAsync(PipelineSpec spec)
    {
        await using var executor = Executor();
        var work = await WorkAsync(spec with { Parallelism = 2, Kubernetes = spec.Kubernetes with { PendingTimeout = TimeSpan.FromSeconds(3) } });
        var clock = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<PipeException>(() => executor.RunAsync(work, default).WaitAsync(TimeSpan.FromSeconds(60)));

        Assert.Equal(ErrorCodes.KubernetesPodsPending, error.Code);
        Assert.Contains("The Job was deleted.", error.Message);
        Assert.Empty(standIn.Jobs); // its pods would wait forever
        Assert.Empty(standIn.PodNames);
        Assert.Contains(standIn.Requests, r => r.Method == "DELETE" && r.PathAndQuery == $"/apis/batch/v1/namespaces/ml/jobs/pipe-double-{work.JobId[..12]}?propagationPolicy=Background");
        return (error, clock.Elapsed, work);
    }

    private static PipelineSpec Spec() => new()
    {
        Name = "double",
        Command = ["sh", "-c", "f=$(echo /pfs/numbers/*); echo $(( $(cat $f) * 2 )) > /pfs/out/$(basename $f)"],
        Input = new PfsInput("numbers", "/*"),
        Image = "registry.example/pipe-tools:1.0",
        Parallelism = 3,
        DatumTries = 1,
        Executor = "kubernetes",
        Kubernetes = new KubernetesSettings
        {
            Namespace = Namespace,
            ServiceAccount = "pipe-runner",
            StoreSecret = "s3-credentials",
            CpuRequest = "500m",
            MemoryLimit = "1Gi",
            NodeSelector = [new("disktype", "ssd")],
            ImagePullSecrets = ["regcred"],
            Labels = [new("team", "ml-team")],
        },
    };

    private KubernetesExecutor Executor(IReadOnlyList<string>? command = null, string storeLocation = "s3://pipebuild-k8s/runs")
    {
        var kubeconfig = standIn.WriteKubeconfig(root, "default");
        return new KubernetesExecutor(store.Objects, new KubernetesExecutorOptions(storeLocation)
        {
            Configuration = () => KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig),
            Protocol = new WorkerPoolOptions(TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(50)),
            WorkerCommand = command ?? ["dotnet", "pipe", "worker"],
        });
    }

    private async Task<DatumWork> WorkAsync(PipelineSpec spec)
    {
        var content = await store.Content.WriteAsync(Encoding.UTF8.GetBytes("7\n"), default);
        var datum = new Datum([new DatumInput("numbers", "numbers", "master", new string('0', 32), "n7.txt", [new DatumFile("n7.txt", content)])]);
        var jobId = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
        return new DatumWork(spec, datum, jobId, 1, store.Content, Path.Combine(root, "engine-scratch"), new DatumLog(Path.Combine(root, $"log-{jobId}")));
    }

    private static JsonObject LeftoverJob(string name, string pipeline, string jobId) => new()
    {
        ["apiVersion"] = "batch/v1",
        ["kind"] = "Job",
        ["metadata"] = new JsonObject
        {
            ["name"] = name,
            ["uid"] = Guid.NewGuid().ToString(),
            ["labels"] = new JsonObject { ["app.kubernetes.io/managed-by"] = "pipebuild", ["pipebuild.io/pipeline"] = pipeline, ["pipebuild.io/job"] = jobId },
        },
        ["spec"] = new JsonObject { ["parallelism"] = 1 },
        ["status"] = new JsonObject { ["active"] = 1 },
    };

    private static JsonNode? Env(JsonNode container, string name) => container["env"]!.AsArray().FirstOrDefault(e => e!["name"]!.GetValue<string>() == name);

    private async Task WriteRunAsync(WorkRun run) =>
        Assert.NotNull(await store.Objects.TryWriteDocumentAsync(WorkerKeys.Run(run.JobId), WorkerJson.Serialize(run), null, default));

    private async Task<WorkRun?> ReadRunAsync(string jobId) =>
        await store.Objects.TryReadAsync(WorkerKeys.Run(jobId), default) is { } data ? WorkerJson.Deserialize<WorkRun>(data) : null;

    private static async Task<T> WaitForAsync<T>(Func<T?> probe)
        where T : class
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            if (probe() is { } value)
            {
                return value;
            }

            await Task.Delay(25);
        }

        throw new TimeoutException("the stand-in never got there");
    }
}
