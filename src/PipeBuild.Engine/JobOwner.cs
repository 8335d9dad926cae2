using System.Diagnostics;

namespace PipeBuild.Engine;

/// <summary>
/// The process running a job, recorded in the job so that a job whose process died (kill -9, a crash, a power cut)
/// does not stay "running" for ever: on the owner's host the next command that reads the job sees the process is
/// gone; elsewhere, that the owner's heartbeat stopped (docs/architecture.md, "Jobs that always end").
/// </summary>
/// <param name="ProcessStarted">when the process started, so that a process id used again later is not taken for the owner</param>
public sealed record JobOwner(string Host, int ProcessId, DateTimeOffset ProcessStarted)
{
    public static JobOwner Current { get; } = new(Environment.MachineName, Environment.ProcessId, StartOf(Process.GetCurrentProcess()));

    /// <summary>Whether the owner runs on this machine, where its process can be looked up.</summary>
    public bool IsLocal => string.Equals(Host, Environment.MachineName, StringComparison.Ordinal);

    /// <summary>Whether the owning process still runs; only meaningful when <see cref="IsLocal"/>.</summary>
    public bool IsRunning()
    {
        try
        {
            using var process = Process.GetProcessById(ProcessId);
            return !process.HasExited && (StartOf(process) - ProcessStarted).Duration() < TimeSpan.FromSeconds(2);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return false; // no such process, or it ended while we looked
        }
    }

    private static DateTimeOffset StartOf(Process process) => new(process.StartTime.ToUniversalTime(), TimeSpan.Zero);
}
