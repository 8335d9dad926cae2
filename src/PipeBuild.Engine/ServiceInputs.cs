using PipeBuild.Core;
using PipeBuild.Store;

namespace PipeBuild.Engine;

/// <summary>A service's inputs as files: each input's commit under <c>PFS/NAME</c>, whole, as its process reads them.</summary>
public static class ServiceInputs
{
    /// <summary>Writes <paramref name="inputs"/> under <paramref name="pfs"/>, replacing whatever an earlier commit left there.</summary>
    public static async Task CheckoutAsync(VersionStore store, JobInputs inputs, string pfs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(inputs);
        if (Directory.Exists(pfs))
        {
            Directory.Delete(pfs, recursive: true);
        }

        foreach (var (name, commit) in inputs.Commits)
        {
            var folder = Directory.CreateDirectory(Path.Combine(pfs, name)).FullName;
            if (await store.GetEntryAsync(commit, RepoPath.Root, cancellationToken) is not { } root)
            {
                continue;
            }

            // Store paths are validated segments (no '..', no separators of this machine): they stay under the folder.
            await foreach (var (path, entry) in store.WalkFilesAsync(RepoPath.Root, root, cancellationToken))
            {
                var target = Path.Combine(folder, path.Replace('/', Path.DirectorySeparatorChar));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                await using var file = File.Create(target);
                await store.Content.CopyToAsync(entry.Content, file, null, cancellationToken);
            }
        }
    }
}
