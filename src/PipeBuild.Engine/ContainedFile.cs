using System.ComponentModel;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using PipeBuild.Store;

namespace PipeBuild.Engine;

/// <summary>
/// Opens a file for reading by its path inside a folder, and never anything outside it: what a transform wrote in
/// <c>/pfs/out</c> is read by the host, and a link in the middle of a path (<c>$PIPE_PFS/evil -&gt; /etc</c>) or a file
/// swapped for a link while outputs are collected must not make the host read its own files into the store. On Linux
/// the kernel resolves the path beneath the folder (openat2 with RESOLVE_BENEATH, no magic links); where openat2 is
/// missing, the real path of the opened file is checked instead. Either way the file must be a regular file.
/// </summary>
public static partial class ContainedFile
{
    private const long SysOpenat2 = 437; // the same number on x86_64 and arm64
    private const ulong ResolveNoMagicLinks = 0x02;
    private const ulong ResolveNoSymlinks = 0x04;
    private const ulong ResolveBeneath = 0x08;
    private const int ErrNoEntry = 2;
    private const int ErrCrossDevice = 18;
    private const int ErrNoSys = 38;
    private const int ErrLoop = 40;

    /// <summary>Why a path could not be opened inside the folder.</summary>
    public enum Refusal
    {
        None,

        /// <summary>Nothing is there (a dangling link, or the file went away).</summary>
        Missing,

        /// <summary>The path leaves the folder, or goes through a link where none is allowed.</summary>
        Escapes,

        /// <summary>A FIFO, socket or device: not content.</summary>
        NotAFile,
    }

    /// <summary>
    /// Opens <paramref name="relative"/> (separated by '/') under <paramref name="root"/> for reading.
    /// With <paramref name="throughLinks"/> false no component may be a symlink; with it, links are followed as long
    /// as every step stays under <paramref name="root"/> (a relative link, not an absolute one).
    /// </summary>
    public static (SafeFileHandle? Handle, Refusal Refusal) Open(string root, string relative, bool throughLinks)
    {
        if (!OperatingSystem.IsLinux())
        {
            return OpenChecked(root, relative, throughLinks);
        }

        var folderFd = Open(root, (int)(OpenFlags.PathOnly | Arch(OpenFlags.Directory, 0x4000) | OpenFlags.CloseOnExec));
        if (folderFd < 0)
        {
            throw new IOException($"cannot open {root}: {new Win32Exception(Marshal.GetLastPInvokeError()).Message}");
        }

        using var folder = new SafeFileHandle(folderFd, ownsHandle: true);
        var how = new OpenHow
        {
            Flags = (ulong)(OpenFlags.ReadOnly | OpenFlags.NonBlocking | OpenFlags.CloseOnExec | (throughLinks ? 0 : Arch(OpenFlags.NoFollow, 0x8000))),
            Mode = 0,
            Resolve = ResolveBeneath | ResolveNoMagicLinks | (throughLinks ? 0 : ResolveNoSymlinks),
        };
        var fd = Openat2(SysOpenat2, folderFd, relative, ref how, (nuint)Marshal.SizeOf<OpenHow>());
        if (fd < 0)
        {
            return Marshal.GetLastPInvokeError() switch
            {
                ErrNoSys => OpenChecked(root, relative, throughLinks),
                ErrNoEntry => (null, Refusal.Missing),
                ErrCrossDevice or ErrLoop => (null, Refusal.Escapes),
                var errno => throw new IOException($"cannot open {Path.Combine(root, relative)}: {new Win32Exception(errno).Message}"),
            };
        }

        var handle = new SafeFileHandle(fd, ownsHandle: true);
        if (!UnixFiles.IsRegularFile(handle))
        {
            handle.Dispose();
            return (null, Refusal.NotAFile);
        }

        return (handle, Refusal.None);
    }

    /// <summary>Without openat2: opens the path, then checks where the opened file really is (and, without links, that no component was one).</summary>
    private static (SafeFileHandle? Handle, Refusal Refusal) OpenChecked(string root, string relative, bool throughLinks)
    {
        var realRoot = Path.TrimEndingDirectorySeparator(new DirectoryInfo(root).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? Path.GetFullPath(root));
        var path = Path.Combine(realRoot, relative.Replace('/', Path.DirectorySeparatorChar));
        if (!throughLinks && HasLinkComponent(realRoot, relative))
        {
            return (null, Refusal.Escapes);
        }

        SafeFileHandle handle;
        try
        {
            // Checked before opening: opening a FIFO blocks until something writes to it.
            if (Directory.Exists(path) || UnixFiles.IsRegularFile(path) == false)
            {
                return (null, Refusal.NotAFile);
            }

            handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, FileOptions.None);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return (null, Refusal.Missing);
        }

        var real = OperatingSystem.IsLinux() ? new FileInfo($"/proc/self/fd/{handle.DangerousGetHandle()}").LinkTarget : new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? Path.GetFullPath(path);
        if (real is null || !real.StartsWith(realRoot + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            handle.Dispose();
            return (null, Refusal.Escapes);
        }

        return (handle, Refusal.None);
    }

    private static bool HasLinkComponent(string root, string relative)
    {
        var path = root;
        foreach (var part in relative.Split('/'))
        {
            path = Path.Combine(path, part);
            if (new FileInfo(path).LinkTarget is not null)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The open(2) flags used here, as on x86-64 (<see cref="Arch"/> gives arm's where they differ).</summary>
    [Flags]
    private enum OpenFlags
    {
        ReadOnly = 0,
        NonBlocking = 0x800,
        Directory = 0x10000,
        NoFollow = 0x20000,
        CloseOnExec = 0x80000,
        PathOnly = 0x200000,
    }

    private static OpenFlags Arch(OpenFlags x64, int arm) =>
        RuntimeInformation.ProcessArchitecture is Architecture.Arm64 or Architecture.Arm ? (OpenFlags)arm : x64;

    [StructLayout(LayoutKind.Sequential)]
    private struct OpenHow
    {
        public ulong Flags;
        public ulong Mode;
        public ulong Resolve;
    }

    [LibraryImport("libc", EntryPoint = "syscall", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Openat2(long number, int folder, string path, ref OpenHow how, nuint size);

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);
}
