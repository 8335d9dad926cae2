using System.Runtime.InteropServices;

namespace PipeBuild.Executors.Docker;

/// <summary>
/// The uid:gid containers run as on Linux, so what a transform writes to the bind-mounted /pfs/out is owned by
/// the user who ran <c>dotnet pipe</c> (not root), and the engine can read the sandbox that user created.
/// Elsewhere (Docker Desktop) the engine maps file ownership itself.
/// </summary>
internal static partial class CallingUser
{
    public static string? ContainerUser => OperatingSystem.IsLinux() ? $"{GetEffectiveUserId()}:{GetEffectiveGroupId()}" : null;

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEffectiveUserId();

    [LibraryImport("libc", EntryPoint = "getegid")]
    private static partial uint GetEffectiveGroupId();
}
