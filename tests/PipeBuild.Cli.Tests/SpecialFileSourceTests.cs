using System.Diagnostics;
using System.Globalization;
using System.Text;
using CliWrap.Buffered;
using PipeBuild.Core;
using PipeBuild.Store;

namespace PipeBuild.Cli.Tests;

/// <summary>
/// Named pipes as sources (<c>-f &lt;(command)</c>, <c>-f /dev/stdin</c>): read as streams, never from the stat cache,
/// and a put waiting on a pipe nobody writes still stops on Ctrl+C or SIGTERM (it hung and ignored SIGTERM).
/// </summary>
public sealed class SpecialFileSourceTests : IDisposable
{
    private readonly TempWorkspace ws = new();

    public SpecialFileSourceTests() => ws.Run("repo", "create", "data").ShouldSucceed();

    [Fact]
    public async Task A_named_pipe_is_read_as_a_stream_each_time()
    {
        var fifo = Fifo("in.fifo");
        foreach (var text in new[] { "first\n", "second, longer\n" })
        {
            var writer = WriteAsync(fifo, text);
            ws.Run("file", "put", "data@master:from-pipe.txt", "-f", fifo).ShouldSucceed();
            await writer;
            Assert.Equal(text, ws.Run("file", "get", "data@master:from-pipe.txt").ShouldSucceed().Stdout);
        }

        var split = WriteAsync(fifo, "a\nb\nc\n");
        ws.Run("file", "put", "data@master:lines", "--split", "line", "-f", fifo).ShouldSucceed();
        await split;
        Assert.Equal(["/lines/0000000000000000", "/lines/0000000000000001", "/lines/0000000000000002"], JsonOutput.Column(ws.Run("file", "list", "data@master:lines", "--output", "json"), "path"));
    }

    [Fact]
    public void A_named_pipe_inside_a_folder_put_is_refused_before_anything_is_stored()
    {
        ws.Write("folder/a.txt", "a");
        Fifo("folder/p");

        var result = ws.Run("file", "put", "data@master", "-r", "-f", Path.Combine(ws.Root, "folder")).ShouldFailWith("PIPE1005");

        Assert.Contains("not a regular file (a named pipe, socket or device)", result.Stderr);
        ws.Run("file", "list", "data@master").ShouldFailWith("PIPE5004"); // no commit was made
    }

    [Fact]
    public async Task A_put_waiting_for_a_writer_that_never_comes_stops_when_cancelled()
    {
        var fifo = Fifo("nobody-writes.fifo");
        using var cancel = new CancellationTokenSource();
        var put = ws.RunAsync(["file", "put", "data@master:x", "-f", fifo], cancel.Token);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => put.WaitAsync(TimeSpan.FromSeconds(60)));
        ws.Run("file", "list", "data@master").ShouldFailWith("PIPE5004");
    }

    [Fact]
    public async Task Sigterm_stops_a_put_blocked_reading_a_pipe_whose_writer_went_quiet()
    {
        var fifo = Fifo("quiet.fifo");
        var put = ws.Command(["file", "put", "data@master:x", "-f", fifo]).ExecuteBufferedAsync();

        // The writer's open returns once the tool has opened the pipe: the tool then waits in a read.
        await using var writer = await Task.Run(() => new FileStream(fifo, FileMode.Open, FileAccess.Write));
        await writer.WriteAsync(Encoding.UTF8.GetBytes("partial, and then nothing"));
        await writer.FlushAsync();
        using (var kill = Process.Start("kill", ["-TERM", put.ProcessId.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        var result = await put.Task.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(ExitCodes.Terminated, result.ExitCode);
        Assert.Contains("cancelled by SIGTERM", result.StandardError);
        ws.Run("file", "list", "data@master").ShouldFailWith("PIPE5004");
    }

    public void Dispose() => ws.Dispose();

    /// <summary>Writes <paramref name="text"/> into the pipe once a reader opens it, then closes it (the reader sees the end).</summary>
    private static async Task WriteAsync(string fifo, string text)
    {
        await using var writer = await Task.Run(() => new FileStream(fifo, FileMode.Open, FileAccess.Write));
        await writer.WriteAsync(Encoding.UTF8.GetBytes(text));
    }

    private string Fifo(string name)
    {
        var path = Path.Combine(ws.Root, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        UnixFiles.MakeFifo(path);
        return path;
    }
}
