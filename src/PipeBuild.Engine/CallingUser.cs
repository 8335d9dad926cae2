using System.Globalization;
using System.Runtime.InteropServices;

namespace PipeBuild.Engine;

/// <summary>The user running <c>dotnet pipe</c>: what containers run as unless a pipeline names a User, and all the local executor can run as.</summary>
public static partial class CallingUser
{
    /// <summary>
    /// The uid:gid containers run as on Linux, so what a transform writes to the bind-mounted /pfs/out is owned by
    /// the user who ran <c>dotnet pipe</c> (not root), and the engine can read the sandbox that user created.
    /// Elsewhere (Docker Desktop) the engine maps file ownership itself.
    /// </summary>
    public static string? ContainerUser => OperatingSystem.IsLinux() ? $"{GetEffectiveUserId()}:{GetEffectiveGroupId()}" : null;

    /// <summary>
    /// Whether <paramref name="user"/> (<c>name</c> or <c>uid</c>, then <c>:group</c> or <c>:gid</c>) names this
    /// user and, when it has one, this user's group.
    /// </summary>
    public static bool Is(string user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var colon = user.IndexOf(':', StringComparison.Ordinal);
        var name = colon < 0 ? user : user[..colon];
        if (OperatingSystem.IsWindows())
        {
            return colon < 0 && string.Equals(name, Environment.UserName, StringComparison.OrdinalIgnoreCase);
        }

        return Names(name, GetEffectiveUserId(), Environment.UserName)
            && (colon < 0 || Names(user[(colon + 1)..], GetEffectiveGroupId(), GroupName(GetEffectiveGroupId())));
    }

    private static bool Names(string given, uint id, string? name) =>
        given == name || given == id.ToString(CultureInfo.InvariantCulture);

    /// <summary>The group's name: the first field of the <c>struct group</c> getgrgid returns.</summary>
    private static string? GroupName(uint gid) => GetGroup(gid) is var group && group != IntPtr.Zero ? Marshal.PtrToStringUTF8(Marshal.ReadIntPtr(group)) : null;

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEffectiveUserId();

    [LibraryImport("libc", EntryPoint = "getegid")]
    private static partial uint GetEffectiveGroupId();

    [LibraryImport("libc", EntryPoint = "getgrgid")]
    private static partial IntPtr GetGroup(uint gid);
}
