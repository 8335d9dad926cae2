using k8s;
using PipeBuild.Core.Pipelines;

namespace PipeBuild.Executors.Kubernetes.Tests;

/// <summary>
/// Against a real cluster when KUBECONFIG points at one: the API server validates the executor's Job manifest
/// (a server-side dry run, so nothing runs and no image or store is needed). No cluster exists on the
/// development machines or in CI, so there this test skips rather than fails.
/// </summary>
public sealed class RealClusterTests
{
    [SkippableFact]
    public async Task The_API_server_accepts_the_executors_Job_manifest()
    {
        var kubeconfig = Environment.GetEnvironmentVariable("KUBECONFIG");
        Skip.If(
            string.IsNullOrEmpty(kubeconfig) || !File.Exists(kubeconfig),
            "needs a real Kubernetes cluster: set KUBECONFIG to its kubeconfig file. Optional: no cluster exists on these machines or in CI, so this test skips there.");

        var config = KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig);
        using var client = new k8s.Kubernetes(config);
        var ns = config.Namespace ?? "default";
        var spec = new PipelineSpec
        {
            Name = "cluster-check",
            Command = ["true"],
            Input = new PfsInput("numbers", "/*"),
            Image = "mcr.microsoft.com/dotnet/sdk:10.0",
            Parallelism = 2,
            Kubernetes = new KubernetesSettings { CpuRequest = "100m", MemoryLimit = "256Mi", Labels = [new("team", "ml")] },
        };
        var manifest = JobManifest.Build(spec, Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()), ns, new KubernetesExecutorOptions("s3://bucket/prefix"));

        var created = await client.BatchV1.CreateNamespacedJobAsync(manifest, ns, dryRun: "All");

        Assert.Equal(manifest.Metadata.Name, created.Metadata.Name);
        Assert.Equal(2, created.Spec.Parallelism);
        Assert.Equal("pipebuild", created.Metadata.Labels[KubernetesLabels.ManagedBy]);
    }
}
