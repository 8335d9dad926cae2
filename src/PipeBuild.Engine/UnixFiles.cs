using System.ComponentModel;
using System.Runtime.InteropServices;

namespace PipeBuild.Engine;

/// <summary>The two file system calls .NET has no API for: a file's hard link count and making a FIFO.</summary>
public static partial class UnixFiles
{
    private const int AtCurrentFolder = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxNlink = 0x4;
    private const int StatxNlinkOffset = 16; // struct statx: u32 mask, u32 blksize, u64 attributes, u32 nlink

    /// <summary>How many names <paramref name="path"/> has (without following a symlink); null where unknown.</summary>
    public static int? LinkCount(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        try
        {
            var buffer = new byte[256];
            return Statx(AtCurrentFolder, path, AtSymlinkNoFollow, StatxNlink, buffer) == 0 ? BitConverter.ToInt32(buffer, StatxNlinkOffset) : null;
        }
        catch (EntryPointNotFoundException)
        {
            return null; // a C library older than statx (glibc 2.28): files are not recycled
        }
    }

    /// <summary>Makes a named pipe readable and writable by its owner only.</summary>
    public static void MakeFifo(string path)
    {
        if (MakeFifo(path, 0b110_000_000) != 0)
        {
            throw new IOException($"cannot make the named pipe {path}: {new Win32Exception(Marshal.GetLastPInvokeError()).Message}");
        }
    }

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Statx(int folder, string path, int flags, uint mask, [Out] byte[] buffer);

    [LibraryImport("libc", EntryPoint = "mkfifo", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int MakeFifo(string path, uint mode);
}
