using PipeBuild.Core;

namespace PipeBuild.Executors.Kubernetes.Tests;

/// <summary>The kubernetes executor and its .pipeproj properties as a user meets them through <c>dotnet pipe</c>.</summary>
public sealed class KubernetesCliTests : IDisposable
{
    private readonly TempWorkspace workspace = new();

    [Fact]
    public void A_kubernetes_pipeline_on_a_local_store_is_a_clear_error()
    {
        workspace.Run("repo", "create", "numbers").ShouldSucceed();
        workspace.Run("file", "put", "numbers@master:n1.txt", "-f", workspace.Write("n1.txt", "1\n"), "--no-run").ShouldSucceed();
        var file = workspace.Write("double.pipeproj", Project("""
            <KubernetesNamespace>ml</KubernetesNamespace>
            <KubernetesCpuRequest>500m</KubernetesCpuRequest>
            <KubernetesMemoryLimit>1Gi</KubernetesMemoryLimit>
            <KubernetesNodeSelector>disktype=ssd</KubernetesNodeSelector>
            <KubernetesImagePullSecrets>regcred</KubernetesImagePullSecrets>
            <KubernetesLabels>team=ml;tier=batch</KubernetesLabels>
            <KubernetesPendingTimeout>2m</KubernetesPendingTimeout>
            """));

        var result = workspace.Run("pipeline", "create", "-f", file).ShouldFailWith(ErrorCodes.KubernetesNeedsSharedStore);

        Assert.Contains("store is local", result.Stderr);
        Assert.Contains("s3://", result.Stderr);
    }

    [Theory]
    [InlineData("<KubernetesCpuRequest>lots</KubernetesCpuRequest>", "KubernetesCpuRequest 'lots' is not a Kubernetes quantity")]
    [InlineData("<KubernetesNamespace>Big_Space</KubernetesNamespace>", "KubernetesNamespace 'Big_Space' is not a valid Kubernetes namespace name")]
    [InlineData("<KubernetesLabels>team</KubernetesLabels>", "KubernetesLabels has 'team', which is not a valid Kubernetes label key=value")]
    [InlineData("<KubernetesPendingTimeout>soon</KubernetesPendingTimeout>", "KubernetesPendingTimeout 'soon' is not a duration")]
    public void A_bad_kubernetes_property_names_its_line(string property, string message)
    {
        var file = workspace.Write("double.pipeproj", Project(property));

        var result = workspace.Run("pipeline", "create", "-f", file, "--no-run").ShouldFailWith(ErrorCodes.InvalidPipelineValue);

        Assert.Contains($"double.pipeproj(5,", result.Stderr);
        Assert.Contains(message, result.Stderr);
    }

    public void Dispose() => workspace.Dispose();

    private static string Project(string properties) => $"""
        <Project Sdk="PipeBuild.Sdk">
          <PropertyGroup>
            <Executor>kubernetes</Executor>
            <Image>registry.example/pipe-tools:1.0</Image>
            {properties.Replace("\n", "\n    ", StringComparison.Ordinal)}
            <Command>cp /pfs/numbers/* /pfs/out/</Command>
          </PropertyGroup>
          <ItemGroup>
            <PipeInput Include="numbers" Glob="/*" />
          </ItemGroup>
        </Project>
        """;
}
