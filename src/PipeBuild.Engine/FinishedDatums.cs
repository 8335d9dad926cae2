namespace PipeBuild.Engine;

/// <summary>
/// The datums a running job has finished, newest last, as its owner publishes them beside the job's record
/// (<see cref="EngineKeys.Finished"/>) so that <c>logs --follow</c> in another shell prints each log as its datum
/// ends. Only the last <see cref="Window"/>: a follower that falls further behind reads the rest from the datum table
/// when the job ends, and a job of a million datums does not rewrite a million rows every few seconds.
/// </summary>
public sealed record FinishedDatums(int Count, IReadOnlyList<JobDatum> Recent)
{
    public const int Window = 1000;

    public static readonly FinishedDatums None = new(0, []);

    /// <summary>Collects them as the job runs (datums finish on many threads at once).</summary>
    internal sealed class Recorder
    {
        private readonly Queue<JobDatum> recent = new();
        private int count;

        public void Add(JobDatum datum)
        {
            lock (recent)
            {
                recent.Enqueue(datum);
                if (recent.Count > Window)
                {
                    recent.Dequeue();
                }

                count++;
            }
        }

        public FinishedDatums Snapshot()
        {
            lock (recent)
            {
                return new FinishedDatums(count, [.. recent]);
            }
        }
    }
}
