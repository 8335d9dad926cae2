using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace PipeBuild.Executors.Kubernetes.Tests;

/// <summary>
/// A local stand-in for the Kubernetes API server (no cluster can run here), answering with the API's real
/// paths and JSON shapes: batch/v1 Jobs (create, get, list and watch with label and field selectors, delete
/// with a propagation policy), core/v1 pods (list by label selector, log) and Status errors. Like the Job
/// controller, it makes a Job's pods and, when <see cref="StartPods"/> is set, runs each one as a local
/// <c>dotnet pipe worker</c> process with the pod spec's environment (values, field refs and Secret refs).
/// </summary>
public sealed class KubernetesStandIn : IAsyncDisposable
{
    public const string Token = "standin-token";
    private readonly WebApplication app;
    private readonly ConcurrentDictionary<string, JsonObject> jobs = new();
    private readonly ConcurrentDictionary<string, Pod> pods = new();
    private readonly ConcurrentDictionary<string, Dictionary<string, string>> secrets = new();
    private readonly ConcurrentDictionary<string, JsonObject> secretObjects = new();
    private readonly List<Channel<(string Type, JsonObject Job)>> watchers = [];
    private readonly WorkerProcesses processes = new();
    private readonly Lock gate = new();
    private long resourceVersion = 1000;

    public KubernetesStandIn()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        app = builder.Build();
        app.Use(async (context, next) =>
        {
            var body = "";
            if (context.Request.ContentLength > 0 || context.Request.Method is "POST" or "PUT" or "PATCH")
            {
                using var reader = new StreamReader(context.Request.Body);
                body = await reader.ReadToEndAsync();
                context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(body));
            }

            lock (Requests)
            {
                Requests.Add(new Request(context.Request.Method, context.Request.Path + context.Request.QueryString, body, context.Request.Headers.Authorization.ToString()));
            }

            await next(context);
        });
        app.MapPost("/apis/batch/v1/namespaces/{ns}/jobs", CreateJobAsync);
        app.MapGet("/api/v1/namespaces/{ns}/secrets/{name}", (string ns, string name) =>
            secretObjects.TryGetValue($"{ns}/{name}", out var secret) ? Json(secret) : NotFound("secrets", "", name));
        app.MapPost("/api/v1/namespaces/{ns}/secrets", async (string ns, HttpContext context) =>
        {
            var secret = (await JsonNode.ParseAsync(context.Request.Body))!.AsObject();
            var name = secret["metadata"]!["name"]!.GetValue<string>();
            return secretObjects.ContainsKey($"{ns}/{name}") ? Status(409, "AlreadyExists", $"secrets \"{name}\" already exists", "secrets", "", name) : Json(PutSecret(ns, name, secret));
        });
        app.MapPut("/api/v1/namespaces/{ns}/secrets/{name}", async (string ns, string name, HttpContext context) =>
            secretObjects.ContainsKey($"{ns}/{name}") ? Json(PutSecret(ns, name, (await JsonNode.ParseAsync(context.Request.Body))!.AsObject())) : NotFound("secrets", "", name));
        app.MapGet("/apis/batch/v1/namespaces/{ns}/jobs", ListJobsAsync);
        app.MapGet("/apis/batch/v1/namespaces/{ns}/jobs/{name}", (string ns, string name) =>
            jobs.TryGetValue($"{ns}/{name}", out var job) ? Json(job) : NotFound("jobs", "batch", name));
        app.MapDelete("/apis/batch/v1/namespaces/{ns}/jobs/{name}", DeleteJob);
        app.MapGet("/api/v1/namespaces/{ns}/pods", (string ns, HttpContext context) =>
        {
            var selector = context.Request.Query["labelSelector"].ToString();
            var items = new JsonArray([.. pods.Values.Where(p => p.Namespace == ns && Matches(p.Labels, selector)).Select(p => (JsonNode)p.ToJson())]);
            return Json(new JsonObject { ["kind"] = "PodList", ["apiVersion"] = "v1", ["metadata"] = new JsonObject { ["resourceVersion"] = $"{resourceVersion}" }, ["items"] = items });
        });
        app.MapGet("/api/v1/namespaces/{ns}/pods/{name}/log", (string ns, string name, HttpContext context) =>
        {
            if (!pods.TryGetValue($"{ns}/{name}", out var pod))
            {
                return NotFound("pods", "", name);
            }

            var lines = pod.Log().Split('\n', StringSplitOptions.RemoveEmptyEntries);
            if (int.TryParse(context.Request.Query["tailLines"], out var tail))
            {
                lines = lines[Math.Max(0, lines.Length - tail)..];
            }

            return Results.Text(string.Concat(lines.Select(l => l + "\n")), "text/plain");
        });
        app.StartAsync().GetAwaiter().GetResult();
        Address = app.Urls.First();
    }

    public string Address { get; }

    public List<Request> Requests { get; } = [];

    /// <summary>Run pods as local worker processes; otherwise they stay Running until the Job is deleted.</summary>
    public bool StartPods { get; init; }

    /// <summary>Whether the kubelet could pull an image; a pod of one it cannot stays Pending in ImagePullBackOff.</summary>
    public Func<string, bool> CanPull { get; init; } = _ => true;

    /// <summary>What the pods' working directory is (the image's).</summary>
    public string PodDirectory { get; init; } = Path.GetTempPath();

    public IReadOnlyCollection<JsonObject> Jobs => [.. jobs.Values];

    public IReadOnlyCollection<string> PodNames => [.. pods.Values.Select(p => p.Name)];

    /// <summary>The logs of a Job's pods, each headed by the pod's name and phase.</summary>
    public string LogsOf(string jobName) =>
        string.Join("\n", pods.Values.Where(p => p.Job == jobName).Select(p => $"--- pod {p.Name} ({p.Phase}) ---\n{p.Log()}"));

    public void AddSecret(string ns, string name, Dictionary<string, string> data) => secrets[$"{ns}/{name}"] = data;

    /// <summary>A Secret made through the API, as the API server keeps it (data in base64), or null.</summary>
    public JsonObject? SecretObject(string ns, string name) => secretObjects.TryGetValue($"{ns}/{name}", out var secret) ? secret : null;

    /// <summary>A Secret someone made in the cluster (kubectl apply), not through this test's engine.</summary>
    public void AddSecretObject(string ns, JsonObject secret) => PutSecret(ns, secret["metadata"]!["name"]!.GetValue<string>(), secret);

    private JsonObject PutSecret(string ns, string name, JsonObject secret)
    {
        lock (gate)
        {
            secret["metadata"]!["resourceVersion"] = $"{++resourceVersion}";
        }

        secretObjects[$"{ns}/{name}"] = secret;
        secrets[$"{ns}/{name}"] = (secret["data"]?.AsObject() ?? []).ToDictionary(p => p.Key, p => Encoding.UTF8.GetString(Convert.FromBase64String(p.Value!.GetValue<string>())));
        return secret;
    }

    /// <summary>A Job as a previous run (maybe of a crashed engine) left it.</summary>
    public void AddJob(string ns, JsonObject job) => Store(ns, job, "ADDED");

    /// <summary>A kubeconfig file that points at this stand-in, with a token user and a context namespace.</summary>
    public string WriteKubeconfig(string folder, string @namespace)
    {
        var path = Path.Combine(folder, "kubeconfig");
        File.WriteAllText(path, $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: standin
              cluster:
                server: {Address}
            users:
            - name: standin
              user:
                token: {Token}
            contexts:
            - name: standin
              context:
                cluster: standin
                user: standin
                namespace: {@namespace}
            current-context: standin
            """);
        return path;
    }

    public async ValueTask DisposeAsync()
    {
        processes.Dispose();
        await app.StopAsync();
        await app.DisposeAsync();
    }

    private async Task<IResult> CreateJobAsync(string ns, HttpContext context)
    {
        var job = (await JsonNode.ParseAsync(context.Request.Body))!.AsObject();
        var name = job["metadata"]?["name"]?.GetValue<string>();
        if (job["apiVersion"]?.GetValue<string>() != "batch/v1" || job["kind"]?.GetValue<string>() != "Job" || name is null)
        {
            return Status(400, "BadRequest", "the object is not a batch/v1 Job with a name");
        }

        if (jobs.ContainsKey($"{ns}/{name}"))
        {
            return Status(409, "AlreadyExists", $"jobs.batch \"{name}\" already exists", "jobs", "batch", name);
        }

        var metadata = job["metadata"]!.AsObject();
        metadata["namespace"] = ns;
        metadata["uid"] = Guid.NewGuid().ToString();
        metadata["creationTimestamp"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ");
        job["status"] = new JsonObject { ["active"] = 0, ["startTime"] = metadata["creationTimestamp"]!.GetValue<string>() };
        Store(ns, job, "ADDED");
        var parallelism = job["spec"]?["parallelism"]?.GetValue<int>() ?? 1;
        for (var i = 0; i < parallelism; i++)
        {
            StartPod(ns, job);
        }

        return Results.Json(job, statusCode: 201);
    }

    private async Task ListJobsAsync(string ns, HttpContext context)
    {
        var labels = context.Request.Query["labelSelector"].ToString();
        var fields = context.Request.Query["fieldSelector"].ToString();
        bool Selected(JsonObject job) =>
            job["metadata"]!["namespace"]!.GetValue<string>() == ns
            && Matches(Labels(job), labels)
            && (fields.Length == 0 || fields == $"metadata.name={job["metadata"]!["name"]}");

        if (context.Request.Query["watch"] != "true")
        {
            var items = new JsonArray([.. jobs.Values.Where(Selected).Select(j => (JsonNode)j.DeepClone())]);
            await Results.Json(new JsonObject { ["kind"] = "JobList", ["apiVersion"] = "batch/v1", ["metadata"] = new JsonObject { ["resourceVersion"] = $"{resourceVersion}" }, ["items"] = items }).ExecuteAsync(context);
            return;
        }

        // A watch: one JSON event per line, as long as the client keeps the connection open.
        var channel = Channel.CreateUnbounded<(string, JsonObject)>();
        lock (gate)
        {
            foreach (var job in jobs.Values.Where(Selected))
            {
                channel.Writer.TryWrite(("ADDED", (JsonObject)job.DeepClone()));
            }

            watchers.Add(channel);
        }

        context.Response.ContentType = "application/json";
        await context.Response.StartAsync();
        try
        {
            await foreach (var (type, job) in channel.Reader.ReadAllAsync(context.RequestAborted))
            {
                if (Selected(job))
                {
                    await context.Response.WriteAsync(new JsonObject { ["type"] = type, ["object"] = job }.ToJsonString() + "\n", context.RequestAborted);
                    await context.Response.Body.FlushAsync(context.RequestAborted);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            lock (gate)
            {
                watchers.Remove(channel);
            }
        }
    }

    private IResult DeleteJob(string ns, string name, HttpContext context)
    {
        if (!jobs.TryRemove($"{ns}/{name}", out var job))
        {
            return NotFound("jobs", "batch", name);
        }

        Publish("DELETED", job);
        if (context.Request.Query["propagationPolicy"] != "Orphan")
        {
            // The garbage collector removes the Job's pods (and so stops their containers).
            foreach (var pod in pods.Values.Where(p => p.Job == name && p.Namespace == ns))
            {
                pod.Stop();
                pods.TryRemove($"{ns}/{pod.Name}", out _);
            }
        }

        return Results.Json(new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Success",
            ["details"] = new JsonObject { ["name"] = name, ["group"] = "batch", ["kind"] = "jobs", ["uid"] = job["metadata"]!["uid"]?.GetValue<string>() },
        });
    }

    private void StartPod(string ns, JsonObject job)
    {
        var jobName = job["metadata"]!["name"]!.GetValue<string>();
        var template = job["spec"]!["template"]!;
        var labels = (template["metadata"]?["labels"]?.AsObject() ?? []).ToDictionary(p => p.Key, p => p.Value!.GetValue<string>());
        labels["job-name"] = jobName;
        labels["batch.kubernetes.io/job-name"] = jobName;
        labels["controller-uid"] = job["metadata"]!["uid"]!.GetValue<string>();
        var pod = new Pod(ns, $"{jobName}-{Guid.NewGuid().ToString("N")[..5]}", jobName, labels);
        pods[$"{ns}/{pod.Name}"] = pod;
        var container = template["spec"]!["containers"]![0]!;
        if (!StartPods)
        {
            pod.Phase = "Running";
            UpdateJobStatus(ns, jobName);
            return;
        }

        // As the kubelet: pull the image, then make the container's environment; either failing leaves the pod Pending.
        var image = container["image"]!.GetValue<string>();
        if (!CanPull(image))
        {
            Wait(ns, pod, "ImagePullBackOff", $"Back-off pulling image \"{image}\"");
            return;
        }

        var env = new Dictionary<string, string?>();
        foreach (var source in container["envFrom"]?.AsArray() ?? [])
        {
            var secret = source!["secretRef"]!["name"]!.GetValue<string>();
            if (!secrets.TryGetValue($"{ns}/{secret}", out var data))
            {
                Wait(ns, pod, "CreateContainerConfigError", $"secret \"{secret}\" not found");
                return;
            }

            foreach (var (key, value) in data)
            {
                env[key] = value;
            }
        }

        foreach (var variable in container["env"]?.AsArray() ?? [])
        {
            var name = variable!["name"]!.GetValue<string>();
            if (variable["valueFrom"]?["secretKeyRef"] is { } reference)
            {
                var secret = reference["name"]!.GetValue<string>();
                var key = reference["key"]!.GetValue<string>();
                if (!secrets.TryGetValue($"{ns}/{secret}", out var data) || !data.TryGetValue(key, out var value))
                {
                    Wait(ns, pod, "CreateContainerConfigError", $"couldn't find key {key} in Secret {ns}/{secret}");
                    return;
                }

                env[name] = value;
                continue;
            }

            env[name] = variable["valueFrom"]?["fieldRef"]?["fieldPath"]?.GetValue<string>() == "metadata.name" ? pod.Name : variable["value"]?.GetValue<string>();
        }

        // The image's entrypoint "dotnet pipe worker ..." is the built tool here.
        var command = container["command"]!.AsArray().Select(c => c!.GetValue<string>()).Concat(container["args"]?.AsArray().Select(a => a!.GetValue<string>()) ?? []).ToList();
        Assert.Equal(["dotnet", "pipe", "worker"], command.Take(3));
        pod.Process = processes.Start(command.Skip(2), env, PodDirectory);
        pod.Output = () => processes.OutputOf(pod.Process);
        pod.Phase = "Running";
        UpdateJobStatus(ns, jobName);
        pod.Process.EnableRaisingEvents = true;
        pod.Process.Exited += (_, _) =>
        {
            pod.Phase = pod.Process.ExitCode == 0 ? "Succeeded" : "Failed";
            var failedJob = UpdateJobStatus(ns, jobName);
            if (pod.Phase == "Failed" && !failedJob && jobs.TryGetValue($"{ns}/{jobName}", out var current)
                && !pods.Values.Any(p => p.Job == jobName && p.Phase == "Succeeded"))
            {
                StartPod(ns, current); // the Job controller replaces a failed pod until the backoff limit
            }
        };
    }

    private void Wait(string ns, Pod pod, string reason, string message)
    {
        pod.Waiting = (reason, message);
        UpdateJobStatus(ns, pod.Job);
    }

    /// <summary>Counts the Job's pods into its status; returns whether the Job has failed.</summary>
    private bool UpdateJobStatus(string ns, string jobName)
    {
        lock (gate)
        {
            if (!jobs.TryGetValue($"{ns}/{jobName}", out var job))
            {
                return true;
            }

            var mine = pods.Values.Where(p => p.Job == jobName && p.Namespace == ns).ToList();
            int active = mine.Count(p => p.Phase is "Running" or "Pending"), succeeded = mine.Count(p => p.Phase == "Succeeded"), failed = mine.Count(p => p.Phase == "Failed");
            var status = new JsonObject { ["startTime"] = job["status"]?["startTime"]?.DeepClone(), ["active"] = active, ["succeeded"] = succeeded, ["failed"] = failed };
            var backoffLimit = job["spec"]?["backoffLimit"]?.GetValue<int>() ?? 6;
            var isFailed = failed > backoffLimit;
            if (isFailed)
            {
                status["conditions"] = new JsonArray(Condition("Failed", "BackoffLimitExceeded", "Job has reached the specified backoff limit"));
                foreach (var pod in mine.Where(p => p.Phase == "Running"))
                {
                    pod.Stop();
                }
            }
            else if (succeeded > 0 && active == 0)
            {
                status["conditions"] = new JsonArray(Condition("Complete", null, null));
                status["completionTime"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ");
            }

            job["status"] = status;
            Store(ns, job, "MODIFIED");
            return isFailed;
        }
    }

    private static JsonObject Condition(string type, string? reason, string? message) => new()
    {
        ["type"] = type,
        ["status"] = "True",
        ["reason"] = reason,
        ["message"] = message,
        ["lastProbeTime"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ"),
        ["lastTransitionTime"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ"),
    };

    private void Store(string ns, JsonObject job, string type)
    {
        job["metadata"]!["resourceVersion"] = $"{Interlocked.Increment(ref resourceVersion)}";
        job["metadata"]!["namespace"] = ns;
        jobs[$"{ns}/{job["metadata"]!["name"]}"] = job;
        Publish(type, job);
    }

    private void Publish(string type, JsonObject job)
    {
        lock (gate)
        {
            foreach (var watcher in watchers)
            {
                watcher.Writer.TryWrite((type, (JsonObject)job.DeepClone()));
            }
        }
    }

    private static Dictionary<string, string> Labels(JsonObject job) =>
        (job["metadata"]?["labels"]?.AsObject() ?? []).ToDictionary(p => p.Key, p => p.Value!.GetValue<string>());

    /// <summary>Equality-based label selectors: <c>a=b,c=d</c>.</summary>
    private static bool Matches(Dictionary<string, string> labels, string selector) =>
        selector.Split(',', StringSplitOptions.RemoveEmptyEntries).All(term =>
        {
            var parts = term.Split('=', 2);
            return labels.TryGetValue(parts[0], out var value) && value == parts[1];
        });

    private static IResult Json(JsonObject value) => Results.Json(value);

    private static IResult NotFound(string kind, string group, string name) =>
        Status(404, "NotFound", $"{kind}{(group.Length > 0 ? "." + group : "")} \"{name}\" not found", kind, group, name);

    private static IResult Status(int code, string reason, string message, string? kind = null, string? group = null, string? name = null) =>
        Results.Json(
            new JsonObject
            {
                ["kind"] = "Status",
                ["apiVersion"] = "v1",
                ["metadata"] = new JsonObject(),
                ["status"] = "Failure",
                ["message"] = message,
                ["reason"] = reason,
                ["details"] = kind is null ? null : new JsonObject { ["name"] = name, ["group"] = group, ["kind"] = kind },
                ["code"] = code,
            },
            statusCode: code);

    public sealed record Request(string Method, string PathAndQuery, string Body, string Authorization);

    private sealed class Pod(string @namespace, string name, string job, Dictionary<string, string> labels)
    {
        public string Namespace { get; } = @namespace;

        public string Name { get; } = name;

        public string Job { get; } = job;

        public Dictionary<string, string> Labels { get; } = labels;

        public volatile string Phase = "Pending";

        /// <summary>Why the worker container waits to start (pod status containerStatuses[].state.waiting).</summary>
        public (string Reason, string Message)? Waiting { get; set; }

        public Process? Process { get; set; }

        public Func<string> Output { get; set; } = () => "";

        public string Log() => Output();

        public void Stop()
        {
            try
            {
                Process?.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
            }
        }

        public JsonObject ToJson() => new()
        {
            ["kind"] = "Pod",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject
            {
                ["name"] = Name,
                ["namespace"] = Namespace,
                ["labels"] = new JsonObject([.. Labels.Select(l => new KeyValuePair<string, JsonNode?>(l.Key, l.Value))]),
            },
            ["status"] = new JsonObject
            {
                ["phase"] = Phase,
                ["containerStatuses"] = Waiting is not { } waiting ? null : new JsonArray(new JsonObject
                {
                    ["name"] = "worker",
                    ["ready"] = false,
                    ["restartCount"] = 0,
                    ["image"] = "",
                    ["imageID"] = "",
                    ["state"] = new JsonObject { ["waiting"] = new JsonObject { ["reason"] = waiting.Reason, ["message"] = waiting.Message } },
                }),
            },
        };
    }
}
