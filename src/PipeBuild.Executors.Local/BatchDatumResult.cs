namespace PipeBuild.Executors.Local;

/// <summary>How a batched transform ended one datum.</summary>
/// <param name="Status">the exit status it acknowledged the datum with, if it did</param>
/// <param name="ExitCode">the process's exit code, if it exited instead</param>
/// <param name="TimedOut">it did neither within DatumTimeout (the process was killed)</param>
internal sealed record BatchDatumResult(long? Status, int? ExitCode, bool TimedOut = false);
