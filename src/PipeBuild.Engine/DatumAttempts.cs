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
        var clock = Stopwatch.StartNew();
        var tries = Math.Max(1, spec.DatumTries);
        var sections = new List<(string Header, DatumLog Log)>();
        try
        {
            DatumOutcome outcome = DatumOutcome.Failed("not run");
            for (var attempt = 1; attempt <= tries; attempt++)
            {
                var log = Log(jobId, datum, attempt, sections);
                outcome = await TryAsync(new DatumWork(spec, datum, jobId, attempt, content, Scratch(jobId, datum, attempt), log), cancellationToken);
                sections[^1] = (tries > 1 ? $"--- try {attempt} of {tries}: {(outcome.Succeeded ? "success" : outcome.Reason)} ---\n" : "", log);
                if (outcome.Succeeded)
                {
                    break;
                }
            }

            var recovered = false;
            if (!outcome.Succeeded && spec.ErrorCommand.Count > 0)
            {
                var log = Log(jobId, datum, tries + 1, sections);
                var handler = await TryAsync(
                    new DatumWork(spec.AsErrorHandler(), datum, jobId, tries + 1, content, Scratch(jobId, datum, tries + 1), log) { ErrorHandler = true }, cancellationToken);
                recovered = handler.Succeeded;
                sections[^1] = ($"--- error handler: {(recovered ? "success, the datum is recovered" : handler.Reason)} ---\n", log);
                outcome = recovered ? outcome with { Outputs = [], BytesRead = outcome.BytesRead + handler.BytesRead } : outcome;
            }

            return (outcome, recovered, await StoreLogAsync(Scratch(jobId, datum, 0) + ".log", sections, cancellationToken), clock.Elapsed.TotalSeconds);
        }
        finally
        {
            foreach (var (_, log) in sections)
            {
                log.Dispose();
            }
        }
    }

    /// <summary>A try's log, beside its scratch folder; listed at once so that it is deleted whatever happens.</summary>
    private DatumLog Log(string jobId, Datum datum, int attempt, List<(string Header, DatumLog Log)> sections)
    {
        var log = new DatumLog(Scratch(jobId, datum, attempt) + ".log");
        sections.Add(("", log));
        return log;
    }

    /// <summary>
    /// The datum's log: each try's under a header saying how it ended, streamed from the tries' files into one more
    /// (or a lone try's file stored as it is, there being nothing to tell apart).
    /// </summary>
    private async Task<string?> StoreLogAsync(string path, List<(string Header, DatumLog Log)> sections, CancellationToken cancellationToken)
    {
        if (sections is [{ Header: "", Log: var only }])
        {
            return await only.StoreAsync(content, cancellationToken);
        }

        using var all = new DatumLog(path);
        foreach (var (header, log) in sections)
        {
            all.Write(Encoding.UTF8.GetBytes(header));
            await all.AppendAsync(log, cancellationToken);
        }

        return await all.StoreAsync(content, cancellationToken);
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
