using System.Diagnostics;
using PipeBuild.Core;

namespace PipeBuild.Store.Local;

/// <summary>
/// An exclusive lock held as a file created with O_EXCL. The file names its owner's process id, so a lock
/// left by a process that was killed is recognised and taken over instead of blocking the store forever.
/// </summary>
internal sealed class FileLock : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan StaleAfter = TimeSpan.FromSeconds(60);
    private readonly string path;

    private FileLock(string path) => this.path = path;

    public static FileLock Acquire(string path, CancellationToken cancellationToken)
    {
        var owner = $"{Environment.ProcessId}\n";
        var waited = Stopwatch.StartNew();
        var delay = 1;
        IOException? lastError = null;
        while (true)
        {
            try
            {
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                // O_EXCL is the lock; FileShare.Read keeps .NET's advisory flock from failing IsStale's read.
                using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read);
                stream.Write(System.Text.Encoding.ASCII.GetBytes(owner));
                return new FileLock(path);
            }
            catch (IOException e)
            {
                // Usually the lock exists; it may also have been released since the create failed, so the
                // error is not rethrown on the spot (the retry takes it) but reported if the wait times out.
                lastError = e;
                if (IsStale(path))
                {
                    TryBreak(path);
                    continue;
                }
            }

            if (waited.Elapsed > Timeout)
            {
                throw new PipeException(
                    ErrorCodes.LockTimeout,
                    $"timed out after {Timeout.TotalSeconds:0} s waiting for the lock '{path}' ({lastError?.Message}). If no other 'dotnet pipe' is running, delete that file.",
                    inner: lastError);
            }

            cancellationToken.WaitHandle.WaitOne(delay);
            cancellationToken.ThrowIfCancellationRequested();
            delay = Math.Min(delay * 2, 50);
        }
    }

    public void Dispose() => File.Delete(path);

    private static bool IsStale(string path)
    {
        try
        {
            // Owner and age come from one open handle, so both describe the same lock file even when it is
            // released and taken again meanwhile (a missing file's time is 1601, which would look stale).
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var age = DateTime.UtcNow - File.GetLastWriteTimeUtc(handle);
            var buffer = new byte[32];
            var text = System.Text.Encoding.ASCII.GetString(buffer, 0, RandomAccess.Read(handle, buffer, 0)).Trim();
            if (age > StaleAfter)
            {
                return true;
            }

            // An empty file is a lock whose owner died between creating and writing it; give it a moment.
            if (!int.TryParse(text, out var pid))
            {
                return age > TimeSpan.FromSeconds(2);
            }

            return !IsRunning(pid);
        }
        catch (IOException)
        {
            return false; // released meanwhile: not stale
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static void TryBreak(string path)
    {
        // Rename first so that two processes breaking the same stale lock cannot delete a fresh one.
        var aside = path + ".stale-" + Guid.NewGuid().ToString("N");
        try
        {
            File.Move(path, aside);
            File.Delete(aside);
        }
        catch (FileNotFoundException)
        {
        }
    }
}
