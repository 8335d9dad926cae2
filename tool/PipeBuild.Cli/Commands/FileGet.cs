using PipeBuild.Core;
using PipeBuild.Store;

namespace PipeBuild.Cli.Commands;

/// <summary>
/// <c>file get</c>: writes a file to stdout or a path, or a folder tree under a target folder. Every write
/// stays inside the target: resolved paths are checked, and an existing symlink on the way is refused.
/// </summary>
internal static class FileGet
{
    /// <summary>Gets <paramref name="entry"/> to stdout, or to <paramref name="output"/> (an absolute path).</summary>
    public static async Task RunAsync(Session session, string path, TreeEntry entry, bool recursive, string? output, CancellationToken ct)
    {
        var store = session.Store;
        if (entry.IsDirectory && !recursive)
        {
            throw new PipeException(ErrorCodes.NotAFile, $"'{RepoPath.Display(path)}' is a folder; pass -r and -o DIR to get everything in it.");
        }

        if (output is null)
        {
            if (entry.IsDirectory)
            {
                throw new PipeException(ErrorCodes.InvalidArguments, "getting a folder needs -o DIR (where to write it).");
            }

            await session.Console.Out.FlushAsync(ct);
            var stdout = session.Console.OpenStandardOutput(); // not disposed: stdout outlives the command
            await store.Content.CopyToAsync(entry.Content, stdout, null, ct);
            await stdout.FlushAsync(ct);
            return;
        }

        if (!entry.IsDirectory)
        {
            var destination = Directory.Exists(output) ? Path.Combine(output, RepoPath.Name(path)) : output;
            await Progress.RunAsync(session.Console, $"getting {RepoPath.Display(path)}", entry.Size, async progress =>
            {
                await WriteFileAsync(store, entry.Content, destination, progress, ct);
                return true;
            });
            return;
        }

        var root = output;
        if (File.Exists(root))
        {
            throw new PipeException(ErrorCodes.InvalidArguments, $"-o {root} is a file; getting a folder needs -o DIR (a folder, or a path that does not exist yet).");
        }

        try
        {
            Directory.CreateDirectory(root);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new PipeException(ErrorCodes.OutputUnwritable, $"cannot make the folder '{root}': {e.Message}");
        }

        await Progress.RunAsync(session.Console, $"getting {RepoPath.Display(path)}", entry.Size, async progress =>
        {
            await foreach (var (filePath, file) in store.WalkFilesAsync(path, entry, ct))
            {
                var relative = path.Length == 0 ? filePath : filePath[(path.Length + 1)..];
                await WriteFileAsync(store, file.Content, InsideTarget(root, relative), progress, ct);
            }

            return true;
        });
    }

    /// <summary>The full path of <paramref name="relative"/> under <paramref name="root"/>, or an error if it would leave it.</summary>
    internal static string InsideTarget(string root, string relative)
    {
        var full = Path.GetFullPath(Path.Combine(root, relative));
        var prefix = Path.TrimEndingDirectorySeparator(root) + Path.DirectorySeparatorChar;
        if (!full.StartsWith(prefix, StringComparison.Ordinal))
        {
            throw Escapes(root, relative);
        }

        // A symlink already in the target could redirect the write elsewhere.
        var walked = Path.TrimEndingDirectorySeparator(root);
        foreach (var segment in full[prefix.Length..].Split(Path.DirectorySeparatorChar))
        {
            walked = Path.Combine(walked, segment);
            var info = new FileInfo(walked);
            if (info.Exists || Directory.Exists(walked))
            {
                if ((File.GetAttributes(walked) & FileAttributes.ReparsePoint) != 0)
                {
                    throw Escapes(root, relative);
                }
            }
        }

        return full;
    }

    private static async Task WriteFileAsync(VersionStore store, FileContent content, string destination, IProgress<long>? progress, CancellationToken ct)
    {
        if (File.Exists(destination) && UnixFiles.IsRegularFile(destination) == false)
        {
            // A device, FIFO or socket (-o /dev/null, /dev/stdout) is written into, as a shell's '>' would: a rename
            // would put a regular file in its place.
            await WriteInPlaceAsync(store, content, destination, progress, ct);
            return;
        }

        var temp = destination + ".pipe-tmp-" + Environment.ProcessId;
        try
        {
            FileStream output;
            try
            {
                Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
                output = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new PipeException(ErrorCodes.OutputUnwritable, $"cannot write '{destination}': {e.Message}");
            }

            await using (var file = output)
            {
                await store.Content.CopyToAsync(content, file, progress, ct);
            }

            try
            {
                File.Move(temp, destination, overwrite: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new PipeException(ErrorCodes.OutputUnwritable, $"cannot write '{destination}': {e.Message}");
            }
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp); // File.Delete throws where the folder is missing, hiding the error above
            }
        }
    }

    private static async Task WriteInPlaceAsync(VersionStore store, FileContent content, string destination, IProgress<long>? progress, CancellationToken ct)
    {
        try
        {
            await using var output = new FileStream(destination, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, 1 << 16, FileOptions.Asynchronous);
            await store.Content.CopyToAsync(content, output, progress, ct);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new PipeException(ErrorCodes.OutputUnwritable, $"cannot write '{destination}': {e.Message}");
        }
    }

    private static PipeException Escapes(string root, string relative) =>
        new(ErrorCodes.OutputEscapesTarget, $"refusing to write '{relative}': it would land outside '{root}' (through '..' or a symlink).");
}
