using System.ComponentModel;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace PipeBuild.Store;

/// <summary>The file system calls .NET has no API for: a file's type and hard link count, and making a FIFO.</summary>
public static partial class UnixFiles
{
    private const int AtCurrentFolder = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const int AtEmptyPath = 0x1000;
    private const uint StatxType = 0x1;
    private const uint StatxNlink = 0x4;
    private const int StatxNlinkOffset = 16; // struct statx: u32 mask, u32 blksize, u64 attributes, u32 nlink, u32 uid, u32 gid, u16 mode
    private const int StatxModeOffset = 28;
    private const int FileTypeMask = 0xF000;
    private const int RegularFile = 0x8000;

    /// <summary>Whether <paramref name="path"/> is a regular file (not a link, FIFO, socket or device) with no other name; false where unknown.</summary>
    public static bool IsPlainFile(string path) =>
        Stat(AtCurrentFolder, path, AtSymlinkNoFollow) is { } stat && stat.Mode == RegularFile && stat.Links == 1;

    /// <summary>Whether what <paramref name="path"/> leads to (links followed) is a regular file; null where unknown.</summary>
    public static bool? IsRegularFile(string path) => Stat(AtCurrentFolder, path, 0) is { } stat ? stat.Mode == RegularFile : null;

    /// <summary>Whether an open file is a regular file; false where unknown.</summary>
    public static bool IsRegularFile(SafeFileHandle handle) =>
        Stat((int)handle.DangerousGetHandle(), "", AtEmptyPath) is { Mode: RegularFile };

    /// <summary>The type bits of the file's mode and its number of names, or null where statx is missing (not Linux, or a C library older than glibc 2.28).</summary>
    private static (int Mode, int Links)? Stat(int folder, string path, int flags)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        try
        {
            var buffer = new byte[256];
            return Statx(folder, path, flags, StatxType | StatxNlink, buffer) == 0
                ? (BitConverter.ToUInt16(buffer, StatxModeOffset) & FileTypeMask, BitConverter.ToInt32(buffer, StatxNlinkOffset))
                : null;
        }
        catch (EntryPointNotFoundException)
        {
            return null;
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
