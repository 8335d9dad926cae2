namespace PipeBuild.Core.Pipelines;

/// <summary>
/// A NuGet tool package a transform runs (<c>&lt;TransformPackage Include="Id" Version="x.y.z" /&gt;</c>). Id and
/// version are what the pipeline file says; the rest is filled in when the package is resolved (downloaded to the
/// NuGet global packages folder): its content hash, which is part of the transform identity, and its commands.
/// </summary>
public sealed record TransformPackage(string Id, string Version)
{
    /// <summary>NuGet's content hash of the .nupkg (base64 SHA-512); null until resolved.</summary>
    public string? ContentHash { get; init; }

    /// <summary>The commands the tool package declares (DotnetToolSettings.xml), with their entry points on this machine.</summary>
    public IReadOnlyList<TransformTool> Tools { get; init; } = [];
}
