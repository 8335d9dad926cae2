using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;

namespace PipeBuild.Executors.Local;

/// <summary>
/// Ends every process a datum started, when its transform ends: a background job, a <c>setsid</c>'d or <c>nohup</c>'d
/// process, a daemon that double-forked away from the transform's process tree. Each datum's processes carry a
/// variable no other datum has (<see cref="Variable"/>, set after the pipeline's own, so it cannot be overridden);
/// on Linux, every process of this user whose environment holds it is killed. A process that empties its
/// environment before it detaches is not found this way; the docker executor's container is the boundary there.
/// </summary>
internal sealed class DatumProcesses
{
    public const string Variable = "PIPE_DATUM_RUN";

    private const int MaxRounds = 100;

    private readonly byte[] needle;

    public DatumProcesses()
    {
        Token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        needle = Encoding.ASCII.GetBytes($"{Variable}={Token}\0");
    }

    /// <summary>The variable's value for this datum.</summary>
    public string Token { get; }

    /// <summary>
    /// Kills every process still carrying this datum's variable, scanning again until one scan finds none: a process
    /// killed while it forked (<c>setsid</c> forks, then its parent exits) may have left a child the scan before it
    /// missed, but a scan that finds no process of the datum leaves none that could start another. Returns how many.
    /// </summary>
    public int KillLeftovers()
    {
        var total = 0;
        for (var round = 0; round < MaxRounds && KillFound() is var killed and > 0; round++)
        {
            total += killed;
        }

        return total;
    }

    private int KillFound()
    {
        if (!OperatingSystem.IsLinux())
        {
            return 0;
        }

        var killed = 0;
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(folder), out var pid) || pid == Environment.ProcessId || !Carries(folder))
            {
                continue;
            }

            try
            {
                using var process = Process.GetProcessById(pid);
                process.Kill();
                killed++;
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // gone meanwhile
            }
        }

        return killed;
    }

    private bool Carries(string folder)
    {
        try
        {
            return File.ReadAllBytes(Path.Combine(folder, "environ")).AsSpan().IndexOf(needle) >= 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false; // another user's process, or gone
        }
    }
}
