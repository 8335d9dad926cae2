using System.Runtime.CompilerServices;
using System.Xml.Linq;
using NuGet.Common;
using NuGet.Configuration;
using NuGet.Frameworks;
using NuGet.Packaging;
using NuGet.Packaging.Core;
using NuGet.Packaging.Signing;
using NuGet.Protocol;
using NuGet.Protocol.Core.Types;
using NuGet.Versioning;
using PipeBuild.Core;
using PipeBuild.Core.Pipelines;
using PipeBuild.Evaluation;

namespace PipeBuild.Packages;

/// <summary>
/// Resolves a pipeline's <see cref="TransformPackage"/>s as <c>dotnet restore</c> would: from the NuGet global
/// packages folder when it is there, otherwise downloaded from the sources of the nuget.config nearest the
/// pipeline (and the user's and machine's configs) into that folder. Fills in each package's content hash and
/// the commands its <c>DotnetToolSettings.xml</c> declares.
/// </summary>
public static class TransformPackageResolver
{
    /// <summary>The spec with its packages resolved; the same spec when it has none.</summary>
    /// <param name="log">told about each download (they can take a while)</param>
    public static async Task<PipelineSpec> ResolveAsync(PipelineSpec spec, Action<string>? log, CancellationToken cancellationToken)
    {
        if (spec.TransformPackages.Count == 0)
        {
            return spec;
        }

        MSBuildRegistration.EnsureRegistered();
        return await ResolveAllAsync(spec, log, cancellationToken);
    }

    // Kept out of line: compiling a method that touches NuGet types loads NuGet, which must wait for the locator.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static async Task<PipelineSpec> ResolveAllAsync(PipelineSpec spec, Action<string>? log, CancellationToken cancellationToken)
    {
        var settings = Settings.LoadDefaultSettings(spec.WorkingDirectory ?? Directory.GetCurrentDirectory());
        var globalFolder = SettingsUtility.GetGlobalPackagesFolder(settings);
        var resolved = new List<TransformPackage>();
        foreach (var package in spec.TransformPackages)
        {
            resolved.Add(await ResolveAsync(spec, package, settings, globalFolder, log, cancellationToken));
        }

        return spec with { TransformPackages = resolved };
    }

    private static async Task<TransformPackage> ResolveAsync(
        PipelineSpec spec, TransformPackage package, ISettings settings, string globalFolder, Action<string>? log, CancellationToken cancellationToken)
    {
        var identity = new PackageIdentity(package.Id, NuGetVersion.Parse(package.Version));
        // Only the extracted files are used: the open package reader is closed at once.
        (GlobalPackagesFolderUtility.GetPackage(identity, globalFolder) ?? await DownloadAsync(spec, identity, settings, globalFolder, log, cancellationToken)).Dispose();

        var paths = new VersionFolderPathResolver(globalFolder);
        var hash = NupkgMetadataFileFormat.Read(paths.GetNupkgMetadataPath(identity.Id, identity.Version)).ContentHash;
        return package with { ContentHash = hash, Tools = ReadTools(spec, identity, paths.GetInstallPath(identity.Id, identity.Version)) };
    }

    private static async Task<DownloadResourceResult> DownloadAsync(
        PipelineSpec spec, PackageIdentity identity, ISettings settings, string globalFolder, Action<string>? log, CancellationToken cancellationToken)
    {
        var sources = new PackageSourceProvider(settings).LoadPackageSources().Where(s => s.IsEnabled).ToList();
        using var cache = new SourceCacheContext();
        var logger = NullLogger.Instance;
        var failures = new List<string>();
        foreach (var source in sources)
        {
            try
            {
                var finder = await Repository.Factory.GetCoreV3(source).GetResourceAsync<FindPackageByIdResource>(cancellationToken);
                if (finder is null || !await finder.DoesPackageExistAsync(identity.Id, identity.Version, cache, logger, cancellationToken))
                {
                    continue;
                }

                log?.Invoke($"downloading transform package {identity.Id} {identity.Version} from {source.Source}");
                using var nupkg = new MemoryStream();
                await finder.CopyNupkgToStreamAsync(identity.Id, identity.Version, nupkg, cache, logger, cancellationToken);
                nupkg.Position = 0;
                return await GlobalPackagesFolderUtility.AddPackageAsync(
                    source.Source, identity, nupkg, globalFolder, Guid.Empty, ClientPolicyContext.GetClientPolicy(settings, logger), logger, cancellationToken);
            }
            catch (Exception e) when (e is FatalProtocolException or HttpRequestException or IOException)
            {
                failures.Add($"{source.Source}: {e.Message.TrimEnd('.')}");
            }
        }

        var what = $"TransformPackage '{identity.Id}' {identity.Version}";
        if (failures.Count > 0)
        {
            throw spec.Error(ErrorCodes.PackageSourceFailed, $"{what} could not be fetched ({string.Join("; ", failures)}). Check the sources in the nuget.config nearest the pipeline.");
        }

        throw spec.Error(
            ErrorCodes.TransformPackageNotFound,
            $"{what} was not found in {(sources.Count == 0 ? "any package source (none configured)" : string.Join(", ", sources.Select(s => s.Source)))}. Check the id and version, or add the feed that has it to the nuget.config nearest the pipeline.");
    }

    /// <summary>The commands of the tool package's <c>tools/TFM/any/DotnetToolSettings.xml</c>, for the TFM nearest this runtime.</summary>
    private static List<TransformTool> ReadTools(PipelineSpec spec, PackageIdentity identity, string folder)
    {
        var runtime = NuGetFramework.Parse($"net{Environment.Version.Major}.{Environment.Version.Minor}");
        var tools = Path.Combine(folder, "tools");
        var candidates = Directory.Exists(tools)
            ? Directory.EnumerateDirectories(tools).Where(d => File.Exists(Path.Combine(d, "any", "DotnetToolSettings.xml"))).ToDictionary(d => NuGetFramework.ParseFolder(Path.GetFileName(d)))
            : [];
        var nearest = new FrameworkReducer().GetNearest(runtime, candidates.Keys);
        if (nearest is null)
        {
            throw spec.Error(
                ErrorCodes.NotAToolPackage,
                $"TransformPackage '{identity.Id}' {identity.Version} is not a .NET tool package for {runtime.GetShortFolderName()} (no tools/<framework>/any/DotnetToolSettings.xml in {folder}). Pack the transform with <PackAsTool>true</PackAsTool>.");
        }

        var any = Path.Combine(candidates[nearest], "any");
        var settings = XDocument.Load(Path.Combine(any, "DotnetToolSettings.xml"));
        return [.. settings.Descendants("Command").Select(c => new TransformTool(
            (string?)c.Attribute("Name") ?? identity.Id,
            Path.GetFullPath(Path.Combine(any, (string?)c.Attribute("EntryPoint") ?? "")),
            (string?)c.Attribute("Runner") ?? "dotnet"))];
    }
}
