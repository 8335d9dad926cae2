using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using System.Threading.Channels;
using PipeBuild.Core;
using PipeBuild.Engine;
using PipeBuild.Store;

namespace PipeBuild.Executors.Local;

/// <summary>
/// A transform process kept alive for datum after datum (DatumBatching). The protocol (docs/executors.md):
/// the engine writes one line per datum to the process's stdin once the datum's files are in <c>/pfs</c>, and
/// the transform writes the datum's exit status as one line to the named pipe <c>$PIPE_DATUM_ACK</c> when it
/// is done. The process's stdout and stderr go to a file, so the log of a datum is exactly what was written
/// between its line and its acknowledgement.
/// </summary>
internal sealed class BatchProcess : IAsyncDisposable
{
    /// <summary>How long a transform may take to exit once its stdin is closed, before it is killed.</summary>
    private static readonly TimeSpan ExitGrace = TimeSpan.FromSeconds(5);

    /// <summary>How long an acknowledgement written just before the process exited may take to be read.</summary>
    private static readonly TimeSpan AckGrace = TimeSpan.FromMilliseconds(100);

    private const long MaxLogBytes = 1 << 20;

    private readonly Process process;
    private readonly FileStream ack;
    private readonly FileStream log;
    private readonly string logPath;
    private readonly Channel<string> acks = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly Thread ackReader;
    private readonly Task exited;
    private readonly string ackPath;
    private volatile bool stopping;

    private BatchProcess(Process process, FileStream ack, string ackPath, FileStream log, string logPath, string jobId)
    {
        this.process = process;
        exited = process.WaitForExitAsync();
        this.ackPath = ackPath;
        this.ack = ack;
        this.log = log;
        this.logPath = logPath;
        JobId = jobId;
        ackReader = new Thread(ReadAcks) { IsBackground = true, Name = "PipeBuild datum acks" };
        ackReader.Start();
    }

    /// <summary>The job this process serves (it was started with that job's environment).</summary>
    public string JobId { get; }

    public bool HasExited => process.HasExited;

    /// <summary>
    /// Starts <paramref name="program"/> through <c>sh</c>, which sends its stdout and stderr to a log file in
    /// <paramref name="folder"/> and makes way for it (<c>exec</c>), and writes <paramref name="stdin"/> first.
    /// </summary>
    public static BatchProcess Start(
        string program, IEnumerable<string> arguments, string workingDirectory, IDictionary<string, string?> environment, IEnumerable<string> stdin, string folder, string jobId)
    {
        var ackPath = Path.Combine(folder, "ack");
        var logPath = Path.Combine(folder, "transform.log");
        File.Delete(ackPath);
        UnixFiles.MakeFifo(ackPath);
        File.WriteAllBytes(logPath, []);

        // Read and write: the pipe never reports end-of-file when a transform closes it after each line.
        var ack = new FileStream(ackPath, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite, 1);
        var log = new FileStream(logPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1);
        var start = new ProcessStartInfo("/bin/sh")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = true,
            StandardInputEncoding = new UTF8Encoding(false),
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("exec \"$@\" >>\"$0\" 2>&1");
        start.ArgumentList.Add(logPath);
        start.ArgumentList.Add(program);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        start.Environment["PIPE_DATUM_ACK"] = ackPath;
        File.Delete(ackPath + ".pending"); // `dotnet pipe next-datum`'s mark of a datum handed out by a process before this one

        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (Win32Exception e)
        {
            ack.Dispose();
            log.Dispose();
            throw new PipeException(ErrorCodes.TransformStartFailed, $"cannot start /bin/sh for a batched transform: {e.Message}.");
        }

        var batch = new BatchProcess(process, ack, ackPath, log, logPath, jobId);
        process.StandardInput.AutoFlush = false;
        foreach (var line in stdin)
        {
            process.StandardInput.Write(line + "\n");
        }

        return batch;
    }

    /// <summary>
    /// Hands the transform one datum and waits for its acknowledgement, its exit, the timeout or cancellation; what it
    /// wrote meanwhile goes to <paramref name="datumLog"/>.
    /// </summary>
    /// <exception cref="OperationCanceledException">cancelled; the process is killed.</exception>
    public async Task<BatchDatumResult> RunDatumAsync(string line, TimeSpan? timeout, DatumLog datumLog, CancellationToken cancellationToken)
    {
        while (acks.Reader.TryRead(out _))
        {
            // an acknowledgement nobody asked for (written twice for one datum) must not end the next datum
        }

        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (timeout is { } limit)
        {
            timer.CancelAfter(limit);
        }

        using var reading = CancellationTokenSource.CreateLinkedTokenSource(timer.Token);
        try
        {
            try
            {
                await process.StandardInput.WriteAsync((line + "\n").AsMemory(), timer.Token);
                await process.StandardInput.FlushAsync(timer.Token);
            }
            catch (IOException)
            {
                // the process is gone (a broken pipe): reported below as an exit without acknowledgement
            }

            var acknowledged = acks.Reader.ReadAsync(reading.Token).AsTask();
            if (await Task.WhenAny(acknowledged, exited) == exited)
            {
                // An acknowledgement written just before the exit may still be on its way through the pipe.
                await Task.WhenAny(acknowledged, Task.Delay(AckGrace, timer.Token));
                if (!acknowledged.IsCompletedSuccessfully)
                {
                    await reading.CancelAsync();
                    await acknowledged.ContinueWith(_ => { }, TaskScheduler.Default);
                    timer.Token.ThrowIfCancellationRequested();
                    if (!acknowledged.IsCompletedSuccessfully)
                    {
                        CopyLog(datumLog);
                        return new BatchDatumResult(null, process.ExitCode);
                    }
                }
            }

            var status = await acknowledged;
            CopyLog(datumLog);
            return new BatchDatumResult(Status(status), null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Kill();
            CopyLog(datumLog);
            return new BatchDatumResult(null, null, TimedOut: true);
        }
        catch (OperationCanceledException)
        {
            Kill();
            throw;
        }
    }

    /// <summary>Closes the transform's stdin (its loop ends), waits a little for it to exit, then kills it.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            process.StandardInput.Close();
            using var grace = new CancellationTokenSource(ExitGrace);
            await exited.WaitAsync(grace.Token);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or InvalidOperationException)
        {
            Kill();
        }

        stopping = true;
        using (var wake = new FileStream(ackPath, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, 1))
        {
            wake.Write("\n"u8); // wakes the reader thread, which then sees it should stop
        }

        ackReader.Join();
        ack.Dispose();
        log.Dispose();
        process.Dispose();
    }

    /// <summary>An acknowledgement as an exit status: empty is 0; anything but a number is a failure.</summary>
    private static long Status(string line) =>
        line.Trim() is { Length: > 0 } text ? long.TryParse(text, out var code) ? code : -1 : 0;

    private void Kill()
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (Exception e) when (e is InvalidOperationException or Win32Exception)
        {
        }
    }

    /// <summary>Appends what the transform wrote since the last call to <paramref name="datumLog"/>; a long log file is emptied between datums.</summary>
    private void CopyLog(DatumLog datumLog)
    {
        var buffer = new byte[64 * 1024];
        for (int read; (read = log.Read(buffer)) > 0;)
        {
            datumLog.Write(buffer.AsSpan(0, read));
        }

        if (log.Position > MaxLogBytes)
        {
            // The transform appends (O_APPEND), so its next write lands at the new end.
            File.WriteAllBytes(logPath, []);
            log.Position = 0;
        }
    }

    private void ReadAcks()
    {
        using var reader = new StreamReader(ack, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, bufferSize: 1, leaveOpen: true);
        try
        {
            while (reader.ReadLine() is { } line && !stopping)
            {
                acks.Writer.TryWrite(line);
            }
        }
        catch (IOException)
        {
            // the pipe failed: no more acknowledgements, so the datum in progress ends by exit or timeout
        }
    }
}
