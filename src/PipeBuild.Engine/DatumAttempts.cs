using System.Diagnostics;
using System.Text;
using PipeBuild.Core.Pipelines;
using PipeBuild.Store;

namespace PipeBuild.Engine;

/// <summary>
/// Runs one datum on the executor until it succeeds or its pipeline's <see cref="PipelineSpec.DatumTries"/> are
/// spent, each try in a scratch folder of its own that is deleted after it, and stores the tries' logs as one.
/// </summary>
internal sealed class DatumAttempts(IDatumExecutor executor, ContentStore content, string scratchRoot)
{
    /// <returns>the last try's outcome, the hash of the stored log (null when no try wrote one) and the seconds all tries took</returns>
    public async Task<(DatumOutcome Outcome, string? LogHash, double Seconds)> RunAsync(
        PipelineSpec spec, Datum datum, string jobId, CancellationToken cancellationToken)
    {
        var log = new StringBuilder();
        var clock = Stopwatch.StartNew();
        DatumOutcome outcome = DatumOutcome.Failed("not run", "");
        var tries = Math.Max(1, spec.DatumTries);
        for (var attempt = 1; attempt <= tries; attempt++)
        {
            var scratch = Path.Combine(scratchRoot, jobId, $"{datum.Id[..16]}-{attempt}");
            try
            {
                outcome = await executor.RunAsync(new DatumWork(spec, datum, jobId, attempt, content, scratch), cancellationToken);
            }
            finally
            {
                DatumSandbox.Delete(scratch);
            }

            log.Append(tries > 1 ? $"--- try {attempt} of {tries}: {(outcome.Succeeded ? "success" : outcome.Reason)} ---\n" : "").Append(outcome.Log);
            if (outcome.Succeeded)
            {
                break;
            }
        }

        var logHash = log.Length == 0 ? null : await content.WriteObjectAsync(Encoding.UTF8.GetBytes(log.ToString()), cancellationToken);
        return (outcome, logHash, clock.Elapsed.TotalSeconds);
    }
}
