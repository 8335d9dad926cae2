using System.Globalization;
using System.Text.RegularExpressions;
using k8s.Models;
using PipeBuild.Core.Pipelines;

namespace PipeBuild.Executors.Kubernetes;

/// <summary>
/// The batch/v1 Job of one run: <c>Parallelism</c> pods of the pipeline's image running the worker, in the
/// work-queue pattern (no completions: the Job is done when its workers exit after the run closes). The store's
/// credentials and the pipeline's secrets come from Secrets by reference, never inline.
/// </summary>
public static partial class JobManifest
{
    public const string Container = "worker";

    public static string Name(string pipeline, string jobId)
    {
        var name = NotDns().Replace(pipeline.ToLowerInvariant(), "-").Trim('-');
        return $"pipe-{(name.Length > 40 ? name[..40].TrimEnd('-') : name)}-{jobId[..12]}";
    }

    public static V1Job Build(PipelineSpec spec, string jobId, string @namespace, KubernetesExecutorOptions options)
    {
        var settings = spec.Kubernetes;
        var labels = settings.Labels.ToDictionary(l => l.Key, l => l.Value);
        labels[KubernetesLabels.ManagedBy] = KubernetesLabels.ManagedByValue;
        labels[KubernetesLabels.Pipeline] = spec.Name.Trim('-', '_');
        labels[KubernetesLabels.Job] = jobId;
        var parallelism = Math.Max(1, spec.Parallelism);

        return new V1Job
        {
            ApiVersion = "batch/v1",
            Kind = "Job",
            Metadata = new V1ObjectMeta { Name = Name(spec.Name, jobId), NamespaceProperty = @namespace, Labels = labels },
            Spec = new V1JobSpec
            {
                Parallelism = parallelism,
                // A lost pod is replaced and its datum taken over; only repeated crashes fail the Job.
                BackoffLimit = Math.Max(6, 2 * parallelism),
                TtlSecondsAfterFinished = options.TtlSecondsAfterFinished,
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string>(labels) },
                    Spec = new V1PodSpec
                    {
                        RestartPolicy = "Never",
                        ServiceAccountName = settings.ServiceAccount,
                        NodeSelector = settings.NodeSelector.Count == 0 ? null : settings.NodeSelector.ToDictionary(p => p.Key, p => p.Value),
                        ImagePullSecrets = settings.ImagePullSecrets.Count == 0 ? null : [.. settings.ImagePullSecrets.Select(s => new V1LocalObjectReference { Name = s })],
                        Volumes = Mounted(spec) is { Count: > 0 } volumes
                            ? [.. volumes.Select((s, i) => new V1Volume { Name = $"secret-{i}", Secret = new V1SecretVolumeSource { SecretName = s.Name, Optional = false } })]
                            : null,
                        Containers =
                        [
                            new V1Container
                            {
                                Name = Container,
                                Image = spec.Image,
                                Command = [.. options.WorkerCommand],
                                Args = ["--job", jobId],
                                Env =
                                [
                                    new V1EnvVar { Name = "PIPE_STORE", Value = options.StoreLocation },
                                    new V1EnvVar { Name = "PIPE_WORKER_NAME", ValueFrom = new V1EnvVarSource { FieldRef = new V1ObjectFieldSelector { FieldPath = "metadata.name" } } },

                                    // The worker's environment is its transform's: a secret's variable comes from the Secret by reference.
                                    .. spec.Secrets.Where(s => s.EnvVar is not null).Select(s => new V1EnvVar
                                    {
                                        Name = s.EnvVar,
                                        ValueFrom = new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Name = s.Name, Key = s.Key, Optional = false } },
                                    }),
                                ],
                                VolumeMounts = Mounted(spec) is { Count: > 0 } mounted
                                    ? [.. mounted.Select((s, i) => new V1VolumeMount { Name = $"secret-{i}", MountPath = s.MountPath!.TrimEnd('/'), ReadOnlyProperty = true })]
                                    : null,
                                EnvFrom = [new V1EnvFromSource { SecretRef = new V1SecretEnvSource { Name = settings.StoreSecret, Optional = false } }],
                                Resources = Resources(settings),
                                WorkingDir = spec.WorkingDir,
                                SecurityContext = SecurityContext(spec.User),
                            },
                        ],
                    },
                },
            },
        };
    }

    /// <summary>The secrets given as files, each a volume of the pod mounted in the worker's container.</summary>
    private static List<SecretReference> Mounted(PipelineSpec spec) => [.. spec.Secrets.Where(s => s.MountPath is not null)];

    /// <summary>
    /// A numeric User (<c>1000</c>, <c>1000:1000</c>) as runAsUser and runAsGroup. Kubernetes takes no names: with
    /// one the pod runs as its image's user, and the worker refuses to run the transform unless that is the user named.
    /// </summary>
    private static V1SecurityContext? SecurityContext(string? user)
    {
        var parts = user?.Split(':') ?? [];
        if (parts.Length == 0 || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var uid))
        {
            return null;
        }

        return new V1SecurityContext
        {
            RunAsUser = uid,
            RunAsGroup = parts.Length > 1 && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var gid) ? gid : null,
        };
    }

    private static V1ResourceRequirements? Resources(KubernetesSettings settings)
    {
        static Dictionary<string, ResourceQuantity>? Of(string? cpu, string? memory)
        {
            var quantities = new Dictionary<string, ResourceQuantity>();
            if (cpu is not null)
            {
                quantities["cpu"] = new ResourceQuantity(cpu);
            }

            if (memory is not null)
            {
                quantities["memory"] = new ResourceQuantity(memory);
            }

            return quantities.Count == 0 ? null : quantities;
        }

        var requests = Of(settings.CpuRequest, settings.MemoryRequest);
        var limits = Of(settings.CpuLimit, settings.MemoryLimit);
        return requests is null && limits is null ? null : new V1ResourceRequirements { Requests = requests, Limits = limits };
    }

    [GeneratedRegex("[^a-z0-9-]+", RegexOptions.CultureInvariant)]
    private static partial Regex NotDns();
}
