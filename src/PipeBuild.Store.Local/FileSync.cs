using System.Runtime.InteropServices;

namespace PipeBuild.Store.Local;

/// <summary>The fsync calls .NET does not expose: a directory's entries, and a whole file system.</summary>
internal static partial class FileSync
{
    /// <summary>Makes a rename in <paramref name="directory"/> durable.</summary>
    public static void Directory(string directory) => WithDescriptor(directory, fd => Fsync(fd));

    /// <summary>Flushes every file written on the file system holding <paramref name="path"/> (one call instead of one per object).</summary>
    public static void FileSystemOf(string path) => WithDescriptor(path, fd => SyncFs(fd));

    private static void WithDescriptor(string path, Func<int, int> call)
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // elsewhere the rename is as durable as the platform makes it
        }

        var fd = Open(path, 0);
        if (fd < 0)
        {
            return;
        }

        try
        {
            if (call(fd) != 0)
            {
                throw new IOException($"flushing '{path}' to disk failed (errno {Marshal.GetLastPInvokeError()}).");
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "syncfs", SetLastError = true)]
    private static partial int SyncFs(int fd);
}
