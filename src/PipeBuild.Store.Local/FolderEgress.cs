using PipeBuild.Core;

namespace PipeBuild.Store.Local;

/// <summary>
/// Egress into a local folder (<c>file:///folder</c>): each file written beside its place and renamed over it, so a
/// reader of the folder never sees half a file; folders a delete leaves empty are removed up to the root.
/// </summary>
public sealed class FolderEgress(string folder) : IEgressTarget
{
    private readonly string root = Path.GetFullPath(folder);

    public string Location => root;

    public async Task PutAsync(string path, Stream content, long length, CancellationToken cancellationToken)
    {
        var target = PathOf(path);
        var temp = Path.Combine(Path.GetDirectoryName(target)!, $".{Path.GetFileName(target)}.egress-{Guid.NewGuid():N}");
        await Run(path, async () =>
        {
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            try
            {
                await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024, useAsync: true))
                {
                    await content.CopyToAsync(file, cancellationToken);
                }

                File.Move(temp, target, overwrite: true);
            }
            finally
            {
                File.Delete(temp);
            }
        });
    }

    public Task DeleteAsync(string path, CancellationToken cancellationToken) => Run(path, () =>
    {
        var target = PathOf(path);
        if (File.Exists(target))
        {
            File.Delete(target);
        }

        try
        {
            for (var folder = Path.GetDirectoryName(target); folder is not null && folder != root && !Directory.EnumerateFileSystemEntries(folder).Any(); folder = Path.GetDirectoryName(folder))
            {
                Directory.Delete(folder);
            }
        }
        catch (IOException)
        {
            // removed meanwhile by a delete of its other files, or filled again by a put: either way done here
        }

        return Task.CompletedTask;
    });

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>The file of a commit path: paths in a commit are already checked, so it stays under the root.</summary>
    private string PathOf(string path) => Path.Combine(root, path.TrimStart('/').Replace('/', Path.DirectorySeparatorChar));

    private async Task Run(string path, Func<Task> action)
    {
        try
        {
            await action();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new PipeException(ErrorCodes.EgressFailed, $"cannot write '{path}' into {root}: {e.Message}", ExitCodes.UserError, e);
        }
    }
}
