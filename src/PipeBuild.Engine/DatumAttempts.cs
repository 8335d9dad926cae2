using System.Diagnostics;
using System.Text;
using PipeBuild.Core.Pipelines;
using PipeBuild.Store;

namespace PipeBuild.Engine;

/// <summary>
/// Runs one datum on the executor until it succeeds or its pipeline's <see cref="PipelineSpec.DatumTries"/> are
/// spent, each try in a scratch folder of its own that is deleted after it, and stores the tries' logs as one.
/// When every try failed and the pipeline has an error handler, it runs once more (the try after the last): if it
/// succeeds the datum is recovered.
/// </summary>
internal sealed class DatumAttempts(IDatumExecutor executor, ContentStore content, string scratchRoot)
{
    /// <returns>
    /// the last try's outcome (the error handler's outputs are dropped), whether the error handler recovered the
    /// datum, the hash of the stored log (null when no try wrote one) and the seconds all tries took
    /// </returns>
    public async Task<(DatumOutcome Outcome, bool Recovered, string? LogHash, double Seconds)> RunAsync(
        PipelineSpec spec, Datum datum, string jobId, CancellationToken cancellationToken)
    {
        var log = new StringBuilder();
        var clock = Stopwatch.StartNew();
        DatumOutcome outcome = DatumOutcome.Failed("not run", "");
        var tries = Math.Max(1, spec.DatumTries);
        for (var attempt = 1; attempt <= tries; attempt++)
        {
            outcome = await TryAsync(new DatumWork(spec, datum, jobId, attempt, content, Scratch(jobId, datum, attempt)), cancellationToken);
            log.Append(tries > 1 ? $"--- try {attempt} of {tries}: {(outcome.Succeeded ? "success" : outcome.Reason)} ---\n" : "").Append(outcome.Log);
            if (outcome.Succeeded)
            {
                break;
            }
        }

        var recovered = false;
        if (!outcome.Succeeded && spec.ErrorCommand.Count > 0)
        {
            var handler = await TryAsync(
                new DatumWork(spec.AsErrorHandler(), datum, jobId, tries + 1, content, Scratch(jobId, datum, tries + 1)) { ErrorHandler = true }, cancellationToken);
            recovered = handler.Succeeded;
            log.Append($"--- error handler: {(recovered ? "success, the datum is recovered" : handler.Reason)} ---\n").Append(handler.Log);
            outcome = recovered ? outcome with { Outputs = [], BytesRead = outcome.BytesRead + handler.BytesRead } : outcome;
        }

        var logHash = log.Length == 0 ? null : await content.WriteObjectAsync(Encoding.UTF8.GetBytes(log.ToString()), cancellationToken);
        return (outcome, recovered, logHash, clock.Elapsed.TotalSeconds);
    }

    private async Task<DatumOutcome> TryAsync(DatumWork work, CancellationToken cancellationToken)
    {
        try
        {
            return await executor.RunAsync(work, cancellationToken);
        }
        finally
        {
            DatumSandbox.Delete(work.Scratch);
        }
    }

    private string Scratch(string jobId, Datum datum, int attempt) => Path.Combine(scratchRoot, jobId, $"{datum.Id[..16]}-{attempt}");
}
