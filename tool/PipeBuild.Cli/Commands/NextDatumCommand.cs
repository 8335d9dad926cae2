using System.CommandLine;
using PipeBuild.Core;

namespace PipeBuild.Cli.Commands;

/// <summary>
/// <c>next-datum</c>: Pachyderm's <c>pachctl next datum</c> for a transform with DatumBatching. It speaks the
/// stdin/ack protocol of docs/executors.md for a script that prefers a command to reading stdin itself; each
/// call starts .NET, so a loop that reads stdin directly is much cheaper per datum.
/// </summary>
internal static class NextDatumCommand
{
    /// <summary>No more datums: the transform's loop should end (and the process exit).</summary>
    private const int NoMoreDatums = 1;

    public static Command NextDatum()
    {
        var status = new Option<int>("--status")
        {
            Description = "The exit status of the datum the previous call handed out: 0 (the default) for success, anything else fails it.",
        };
        return Cli.Command(
            "next-datum",
            "In a transform of a pipeline with DatumBatching: finish the current datum and wait for the next. Prints the next datum's line (its id, then NAME=PATH per input, separated by tabs); exit code 1 when there are no more datums.",
            [status],
            (s, _) =>
            {
                var ack = s.Console.Variable("PIPE_DATUM_ACK");
                if (string.IsNullOrEmpty(ack))
                {
                    throw new PipeException(ErrorCodes.NotInBatchedTransform, "next-datum only works inside the transform of a pipeline with DatumBatching ($PIPE_DATUM_ACK is not set). Set <DatumBatching>true</DatumBatching> and call it from the pipeline's Command.");
                }

                // The mark says this process handed out a datum that is not acknowledged yet (the engine removes
                // it when it starts a transform); a transform's first call has nothing to acknowledge.
                var pending = ack + ".pending";
                if (File.Exists(pending))
                {
                    File.Delete(pending);
                    using var channel = new FileStream(ack, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, 1);
                    channel.Write(System.Text.Encoding.ASCII.GetBytes($"{s.Get(status)}\n"));
                }

                if (s.Console.In.ReadLine() is not { } line)
                {
                    return Task.FromResult(NoMoreDatums);
                }

                File.WriteAllBytes(pending, []);
                s.Console.Out.WriteLine(line);
                return Task.FromResult(ExitCodes.Ok);
            },
            formatOption: false);
    }
}
