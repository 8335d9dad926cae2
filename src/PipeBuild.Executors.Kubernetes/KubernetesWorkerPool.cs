using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using PipeBuild.Core;
using PipeBuild.Core.Pipelines;
using PipeBuild.Store;
using PipeBuild.Workers;

namespace PipeBuild.Executors.Kubernetes;

/// <summary>
/// A run's workers as one Kubernetes Job: created on the run's first datum (after removing Jobs that crashed
/// runs of the same pipeline left behind), watched while the run lasts so a failed Job fails the run with its
/// pods' logs instead of leaving the engine waiting, and deleted when the run is killed.
/// </summary>
internal sealed class KubernetesWorkerPool(IObjectStore objects, KubernetesExecutorOptions options) : IWorkerPool, IDisposable
{
    /// <summary>How often a run that waits on results looks at its pods (for pods stuck in Pending).</summary>
    private static readonly TimeSpan PodCheckInterval = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<string, Watched> watched = new(StringComparer.Ordinal);
    private IKubernetes? client;
    private string? defaultNamespace;

    public string Name => ExecutorNames.Kubernetes;

    public async Task StartAsync(RemoteRun run, CancellationToken cancellationToken)
    {
        var ns = Namespace(run);
        await CleanUpCrashedRunsAsync(run, ns, cancellationToken);
        await PutSecretsAsync(run.Spec, ns, cancellationToken);
        var manifest = JobManifest.Build(run.Spec, run.JobId, ns, options);
        var name = manifest.Metadata.Name;
        await CallAsync($"create Job {ns}/{name}", () => Client.BatchV1.CreateNamespacedJobAsync(manifest, ns, cancellationToken: cancellationToken));
        options.Log?.WriteLine($"kubernetes: created Job {ns}/{name} with {manifest.Spec.Parallelism} worker pod(s) of {run.Spec.Image}");
        var state = new Watched(ns, name);
        state.Watcher = WatchAsync(state);
        watched[run.JobId] = state;
    }

    public async Task<string?> FailureAsync(RemoteRun run, CancellationToken cancellationToken)
    {
        if (!watched.TryGetValue(run.JobId, out var state))
        {
            return null;
        }

        if (state.Stuck is { } stuck)
        {
            throw new PipeException(ErrorCodes.KubernetesPodsPending, stuck);
        }

        if (state.Deleted)
        {
            return $"its Job {state.Namespace}/{state.Name} was deleted.";
        }

        var conditions = state.Job?.Status?.Conditions ?? [];
        var failed = conditions.FirstOrDefault(c => c.Type == "Failed" && c.Status == "True");
        var complete = conditions.Any(c => c.Type == "Complete" && c.Status == "True");
        if (failed is null && !complete)
        {
            await CheckPendingAsync(run, state, cancellationToken);
            return null;
        }

        var why = failed is null ? "its worker pods exited while datums were still waiting" : $"{failed.Reason}: {failed.Message}";
        return $"Job {state.Namespace}/{state.Name} {(failed is null ? "completed early" : "failed")} ({why}).{await PodLogsAsync(state, run.JobId, cancellationToken)} Check the image (it must have 'dotnet pipe'), the Secret and the pods' events (kubectl describe job {state.Name} -n {state.Namespace}).";
    }

    public async Task StopAsync(RemoteRun run, bool killed, CancellationToken cancellationToken)
    {
        if (!watched.TryRemove(run.JobId, out var state))
        {
            return;
        }

        await state.Stop.CancelAsync();
        await state.Watcher;
        state.Stop.Dispose();
        if (killed)
        {
            await DeleteJobAsync(state.Namespace, state.Name, cancellationToken);
            options.Log?.WriteLine($"kubernetes: deleted Job {state.Namespace}/{state.Name}");
        }
    }

    /// <summary>Deletes the Jobs of one PipeBuild job (job kill from another process); returns their names.</summary>
    public async Task<IReadOnlyList<string>> DeleteJobsAsync(string @namespace, string jobId, CancellationToken cancellationToken)
    {
        var jobs = await CallAsync($"list Jobs in {@namespace}", () => Client.BatchV1.ListNamespacedJobAsync(@namespace, labelSelector: KubernetesLabels.OfJob(jobId), cancellationToken: cancellationToken));
        foreach (var job in jobs.Items)
        {
            await DeleteJobAsync(@namespace, job.Metadata.Name, cancellationToken);
        }

        await RemoteRun.CloseAbandonedAsync(objects, jobId, cancellationToken);
        return [.. jobs.Items.Select(j => j.Metadata.Name)];
    }

    public string Namespace(RemoteRun run) => Namespace(run.Spec.Kubernetes.Namespace);

    public string Namespace(string? configured)
    {
        if (configured is not null)
        {
            return configured;
        }

        _ = Client;
        return defaultNamespace ?? "default";
    }

    public void Dispose() => client?.Dispose();

    private IKubernetes Client
    {
        get
        {
            if (client is null)
            {
                KubernetesClientConfiguration config;
                try
                {
                    config = options.Configuration();
                }
                catch (Exception e) when (e is k8s.Exceptions.KubeConfigException or IOException or InvalidOperationException)
                {
                    throw new PipeException(
                        ErrorCodes.KubernetesConfig,
                        $"cannot load the Kubernetes configuration: {e.Message}. Set KUBECONFIG to a kubeconfig file (or run inside a cluster), or use another Executor.");
                }

                defaultNamespace = config.Namespace;
                client = new k8s.Kubernetes(config);
            }

            return client;
        }
    }

    /// <summary>
    /// Jobs of this pipeline whose run is closed, missing, or not renewed for three leases belong to an engine
    /// that crashed (or to a run already over): they are deleted and their runs closed.
    /// </summary>
    private async Task CleanUpCrashedRunsAsync(RemoteRun run, string ns, CancellationToken cancellationToken)
    {
        var selector = KubernetesLabels.OfPipeline(run.Spec.Name.Trim('-', '_'));
        var jobs = await CallAsync($"list Jobs in {ns}", () => Client.BatchV1.ListNamespacedJobAsync(ns, labelSelector: selector, cancellationToken: cancellationToken));
        foreach (var job in jobs.Items)
        {
            if (job.Metadata.Labels?.TryGetValue(KubernetesLabels.Job, out var jobId) != true || jobId == run.JobId || job.Metadata.DeletionTimestamp is not null)
            {
                continue;
            }

            var stored = await objects.TryReadAsync(WorkerKeys.Run(jobId!), cancellationToken);
            var other = stored is null ? null : WorkerJson.Deserialize<WorkRun>(stored);
            if (other is { Closed: false } && DateTimeOffset.UtcNow - other.Alive < other.Lease * 3)
            {
                continue; // another engine is running this pipeline right now
            }

            await DeleteJobAsync(ns, job.Metadata.Name, cancellationToken);
            await RemoteRun.CloseAbandonedAsync(objects, jobId!, cancellationToken);
            options.Log?.WriteLine($"kubernetes: deleted Job {ns}/{job.Metadata.Name} left by run {jobId![..12]}, which is no longer running");
        }
    }

    /// <summary>
    /// Makes each secret the pipeline names a Kubernetes Secret of the same name in <paramref name="ns"/>, labelled as
    /// PipeBuild's, with the workspace's values (created, or replaced when it changed); one of that name PipeBuild did
    /// not make is left alone and the run fails, rather than overwrite what someone else keeps there.
    /// </summary>
    private async Task PutSecretsAsync(PipelineSpec spec, string ns, CancellationToken cancellationToken)
    {
        foreach (var name in spec.Secrets.Select(s => s.Name).Distinct(StringComparer.Ordinal))
        {
            var store = Engine.SecretStore.Required(options.Secrets, spec);
            var info = store.Inspect(name);
            var wanted = new V1Secret
            {
                ApiVersion = "v1",
                Kind = "Secret",
                Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, Labels = new Dictionary<string, string> { [KubernetesLabels.ManagedBy] = KubernetesLabels.ManagedByValue } },
                Type = info.Type,
                Data = store.Data(name).ToDictionary(),
            };
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await PutSecretAsync(spec, ns, name, wanted, cancellationToken);
                    break;
                }
                catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict && attempt < 3)
                {
                    // another run made or changed it meanwhile: read it again
                }
                catch (HttpOperationException e)
                {
                    // Only the status: a body may quote the request, and the request holds the values.
                    var todo = e.Response.StatusCode == HttpStatusCode.Forbidden ? " Grant the Role in docs/kubernetes.md (secrets: get, create, update, delete)." : "";
                    throw new PipeException(ErrorCodes.KubernetesApi, $"cannot put Secret {ns}/{name}: {(int)e.Response.StatusCode} {e.Response.ReasonPhrase}.{todo}");
                }
                catch (HttpRequestException e)
                {
                    throw new PipeException(ErrorCodes.KubernetesApi, $"cannot put Secret {ns}/{name}: the Kubernetes API server is unreachable ({e.Message}). Check KUBECONFIG and the cluster.");
                }
            }
        }
    }

    /// <summary>Creates the Secret, or replaces PipeBuild's when it differs (deleting it first when its type does: a type cannot change).</summary>
    private async Task PutSecretAsync(PipelineSpec spec, string ns, string name, V1Secret wanted, CancellationToken cancellationToken)
    {
        V1Secret? existing;
        try
        {
            existing = await Client.CoreV1.ReadNamespacedSecretAsync(name, ns, cancellationToken: cancellationToken);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            existing = null;
        }

        if (existing is not null && !(existing.Metadata?.Labels?.TryGetValue(KubernetesLabels.ManagedBy, out var by) == true && by == KubernetesLabels.ManagedByValue))
        {
            throw spec.Error(
                ErrorCodes.KubernetesApi,
                $"namespace {ns} has a Secret '{name}' that PipeBuild did not make; it is left as it is. Delete it (kubectl delete secret {name} -n {ns}) to let PipeBuild keep it from the workspace's secret, or rename the workspace's.");
        }

        if (existing is not null && existing.Type != wanted.Type)
        {
            await Client.CoreV1.DeleteNamespacedSecretAsync(name, ns, cancellationToken: cancellationToken);
            existing = null;
        }

        if (existing is null)
        {
            await Client.CoreV1.CreateNamespacedSecretAsync(wanted, ns, cancellationToken: cancellationToken);
            options.Log?.WriteLine($"kubernetes: created Secret {ns}/{name} from the workspace's");
        }
        else if (!SameData(existing.Data, wanted.Data))
        {
            wanted.Metadata.ResourceVersion = existing.Metadata.ResourceVersion;
            await Client.CoreV1.ReplaceNamespacedSecretAsync(wanted, name, ns, cancellationToken: cancellationToken);
            options.Log?.WriteLine($"kubernetes: updated Secret {ns}/{name} from the workspace's");
        }
    }

    private static bool SameData(IDictionary<string, byte[]>? a, IDictionary<string, byte[]> b) =>
        (a?.Count ?? 0) == b.Count && b.All(p => a!.TryGetValue(p.Key, out var value) && value.AsSpan().SequenceEqual(p.Value));

    private async Task DeleteJobAsync(string ns, string name, CancellationToken cancellationToken)
    {
        try
        {
            // Background propagation: the Job goes now and the garbage collector stops its pods.
            await Client.BatchV1.DeleteNamespacedJobAsync(name, ns, propagationPolicy: "Background", cancellationToken: cancellationToken);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
        }
        catch (HttpOperationException e)
        {
            throw ApiError($"delete Job {ns}/{name}", e);
        }
    }

    private async Task WatchAsync(Watched state)
    {
        while (!state.Stop.IsCancellationRequested)
        {
            try
            {
                await foreach (var (type, job) in Client.BatchV1.WatchListNamespacedJobAsync(
                    state.Namespace, fieldSelector: $"metadata.name={state.Name}", cancellationToken: state.Stop.Token))
                {
                    if (type == WatchEventType.Deleted)
                    {
                        state.Deleted = true;
                    }
                    else if (type is WatchEventType.Added or WatchEventType.Modified)
                    {
                        state.Job = job;
                    }
                }
            }
            catch (OperationCanceledException) when (state.Stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is HttpOperationException or HttpRequestException or IOException)
            {
                // A dropped watch is normal (API server restarts, timeouts): watch again after a pause.
            }

            try
            {
                await Task.Delay(TimeSpan.FromSeconds(1), state.Stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>
    /// A pod that cannot start (image pull error, missing Secret, no node that fits) stays Pending and never
    /// fails the Job, so the run would wait forever: when no worker pod has been running for the pipeline's
    /// PendingTimeout, the Job is deleted and the run fails, naming a pod and why it waits.
    /// </summary>
    private async Task CheckPendingAsync(RemoteRun run, Watched state, CancellationToken cancellationToken)
    {
        var timeout = run.Spec.Kubernetes.PendingTimeout;
        var interval = timeout / 3 < PodCheckInterval ? timeout / 3 : PodCheckInterval;
        if (Stopwatch.GetElapsedTime(state.PodsChecked) < interval || !state.Checking.Wait(0))
        {
            return; // looked recently, or another datum's wait is looking now
        }

        try
        {
            state.PodsChecked = Stopwatch.GetTimestamp();
            var pods = await CallAsync($"list pods in {state.Namespace}", () => Client.CoreV1.ListNamespacedPodAsync(state.Namespace, labelSelector: KubernetesLabels.OfJob(run.JobId), cancellationToken: cancellationToken));
            if (pods.Items.Any(p => p.Status?.Phase == "Running"))
            {
                state.Running = Stopwatch.GetTimestamp();
                return;
            }

            if (Stopwatch.GetElapsedTime(state.Running) < timeout)
            {
                return;
            }

            var pending = pods.Items.FirstOrDefault(p => p.Status?.Phase == "Pending");
            var seconds = $"{timeout.TotalSeconds:0.#} s";
            state.Stuck = pending is null
                ? $"Job {state.Namespace}/{state.Name} has had no running worker pod for {seconds} (KubernetesPendingTimeout) and no pod is waiting either; the Job was deleted. 'kubectl describe job' on a new run shows why no pod is made (quota, admission)."
                : $"Job {state.Namespace}/{state.Name} has had no running worker pod for {seconds} (KubernetesPendingTimeout): pod {pending.Metadata.Name} is waiting: {WaitingReason(pending)}. {Hint(pending, run)} The Job was deleted.";
            await DeleteJobAsync(state.Namespace, state.Name, cancellationToken);
            options.Log?.WriteLine($"kubernetes: deleted Job {state.Namespace}/{state.Name}, whose pods never started");
            throw new PipeException(ErrorCodes.KubernetesPodsPending, state.Stuck);
        }
        finally
        {
            state.Checking.Release();
        }
    }

    /// <summary>Why a Pending pod waits: its first waiting container's reason and message, else why it is not scheduled.</summary>
    private static string WaitingReason(V1Pod pod)
    {
        var waiting = (pod.Status?.InitContainerStatuses ?? []).Concat(pod.Status?.ContainerStatuses ?? [])
            .Select(c => c.State?.Waiting).FirstOrDefault(w => w?.Reason is not null);
        if (waiting is not null)
        {
            return string.IsNullOrWhiteSpace(waiting.Message) ? waiting.Reason : $"{waiting.Reason} ({waiting.Message.TrimEnd('.')})";
        }

        var unscheduled = pod.Status?.Conditions?.FirstOrDefault(c => c.Type == "PodScheduled" && c.Status == "False");
        return unscheduled is null ? "Pending" : $"{unscheduled.Reason} ({unscheduled.Message?.TrimEnd('.')})";
    }

    private static string Hint(V1Pod pod, RemoteRun run) => WaitingReason(pod) switch
    {
        var r when r.StartsWith("ErrImagePull", StringComparison.Ordinal) || r.StartsWith("ImagePullBackOff", StringComparison.Ordinal) || r.StartsWith("InvalidImageName", StringComparison.Ordinal) =>
            $"Check that the image '{run.Spec.Image}' exists and that the cluster may pull it (KubernetesImagePullSecrets).",
        var r when r.StartsWith("CreateContainerConfigError", StringComparison.Ordinal) =>
            $"Check that the Secret '{run.Spec.Kubernetes.StoreSecret}' (KubernetesStoreSecret) exists in namespace {pod.Metadata.NamespaceProperty} with the keys in docs/kubernetes.md.",
        var r when r.StartsWith("Unschedulable", StringComparison.Ordinal) =>
            "No node fits the pod: check KubernetesCpuRequest, KubernetesMemoryRequest and KubernetesNodeSelector.",
        _ => $"kubectl describe pod {pod.Metadata.Name} -n {pod.Metadata.NamespaceProperty} shows why.",
    };

    private async Task<string> PodLogsAsync(Watched state, string jobId, CancellationToken cancellationToken)
    {
        try
        {
            var pods = await Client.CoreV1.ListNamespacedPodAsync(state.Namespace, labelSelector: KubernetesLabels.OfJob(jobId), cancellationToken: cancellationToken);
            var text = new System.Text.StringBuilder();
            foreach (var pod in pods.Items.Where(p => p.Status?.Phase == "Failed").Take(3))
            {
                using var stream = await Client.CoreV1.ReadNamespacedPodLogAsync(pod.Metadata.Name, state.Namespace, container: JobManifest.Container, tailLines: 10, cancellationToken: cancellationToken);
                using var reader = new StreamReader(stream);
                var log = (await reader.ReadToEndAsync(cancellationToken)).TrimEnd();
                text.Append($" Pod {pod.Metadata.Name}: {(log.Length == 0 ? "(no output)" : log)}");
            }

            return text.ToString();
        }
        catch (HttpOperationException e)
        {
            return $" (its pods' logs could not be read: {e.Response.ReasonPhrase})";
        }
    }

    private static async Task<T> CallAsync<T>(string what, Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (HttpOperationException e)
        {
            throw ApiError(what, e);
        }
        catch (HttpRequestException e)
        {
            throw new PipeException(ErrorCodes.KubernetesApi, $"cannot {what}: the Kubernetes API server is unreachable ({e.Message}). Check KUBECONFIG and the cluster.");
        }
    }

    private static PipeException ApiError(string what, HttpOperationException e)
    {
        var todo = e.Response.StatusCode switch
        {
            HttpStatusCode.Forbidden => " Grant the user or service account the Role in docs/kubernetes.md (jobs, pods, pods/log, and secrets for a pipeline with secrets).",
            HttpStatusCode.Unauthorized => " Check the kubeconfig's credentials.",
            HttpStatusCode.NotFound => " Check that the namespace exists (KubernetesNamespace).",
            _ => "",
        };
        var message = e.Response.Content is { Length: > 0 } body ? body : e.Response.ReasonPhrase;
        return new PipeException(ErrorCodes.KubernetesApi, $"cannot {what}: {(int)e.Response.StatusCode} {message}.{todo}");
    }

    private sealed class Watched(string @namespace, string name)
    {
        public string Namespace { get; } = @namespace;

        public string Name { get; } = name;

        public CancellationTokenSource Stop { get; } = new();

        public Task Watcher { get; set; } = Task.CompletedTask;

        public volatile V1Job? Job;

        public volatile bool Deleted;

        /// <summary>Why the run failed because its pods never started, once it has.</summary>
        public volatile string? Stuck;

        /// <summary>When a worker pod was last seen running (at first: when the Job was made).</summary>
        public long Running = Stopwatch.GetTimestamp();

        public long PodsChecked;

        public SemaphoreSlim Checking { get; } = new(1, 1);
    }
}
