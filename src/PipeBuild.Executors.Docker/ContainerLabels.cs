using System.Diagnostics;
using System.Globalization;

namespace PipeBuild.Executors.Docker;

/// <summary>
/// Labels on every container the executor creates. <see cref="Owner"/> names the process that created it
/// (host, pid, start time), so the next run can tell a crashed run's leftovers from containers another
/// live process is using.
/// </summary>
internal static class ContainerLabels
{
    public const string Owner = "pipebuild.owner";
    public const string Pipeline = "pipebuild.pipeline";
    public const string Job = "pipebuild.job";
    public const string Datum = "pipebuild.datum";

    /// <summary>This process: host/pid/start time in Unix seconds.</summary>
    public static string CurrentOwner { get; } = OwnerOf(Environment.MachineName, Environment.ProcessId, StartSeconds(Process.GetCurrentProcess()));

    public static string OwnerOf(string host, int pid, long startSeconds) => string.Create(CultureInfo.InvariantCulture, $"{host}/{pid}/{startSeconds}");

    /// <summary>
    /// True when the owner is a process on this host that is gone. An owner on another host (a shared engine)
    /// or a label this version did not write is never judged dead: its container is left alone.
    /// </summary>
    public static bool IsDeadOwner(string owner)
    {
        var parts = owner.Split('/');
        if (parts.Length != 3 || parts[0] != Environment.MachineName
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
            || !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var started))
        {
            return false;
        }

        try
        {
            using var process = Process.GetProcessById(pid);
            // A reused pid belongs to a process started at another time; start times read by two processes
            // can differ by rounding, hence the tolerance.
            return Math.Abs(StartSeconds(process) - started) > 2;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return true;
        }
    }

    private static long StartSeconds(Process process) => new DateTimeOffset(process.StartTime.ToUniversalTime()).ToUnixTimeSeconds();
}
