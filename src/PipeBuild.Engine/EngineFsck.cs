using System.Text;
using System.Text.Json;
using PipeBuild.Core;
using PipeBuild.Store;

namespace PipeBuild.Engine;

/// <summary>
/// <c>fsck</c> of what the engine keeps beside the store's commits (docs/store-format.md): every job record and its
/// datum table (a delta with the table it builds on) and logs, every stored result and the outputs and log it names,
/// every last-success pointer, and that each datum of a pipeline's last successful job still has its result (what
/// the next job reuses). Each problem is reported and the check goes on.
/// </summary>
public sealed class EngineFsck(VersionStore store)
{
    private readonly List<string> problems = [];

    private IObjectStore Objects => store.Objects;

    /// <summary>Checks everything and returns what it found.</summary>
    public async Task<EngineFsckReport> RunAsync(CancellationToken cancellationToken)
    {
        problems.Clear();
        var results = await CheckResultsAsync(cancellationToken);
        var jobs = await CheckJobsAsync(cancellationToken);
        await CheckLastSuccessAsync(jobs, cancellationToken);
        return new EngineFsckReport(jobs.Count, results, [.. problems]);
    }

    private async Task<int> CheckResultsAsync(CancellationToken cancellationToken)
    {
        var count = 0;
        await foreach (var key in Objects.ListAsync(EngineKeys.ResultsPrefix, cancellationToken))
        {
            count++;
            if (await ParseAsync<DatumResult>(key, "the stored result", cancellationToken) is not { } result)
            {
                continue;
            }

            foreach (var output in result.Outputs)
            {
                await ExpectAsync(output.Hash, $"the stored result {key} names /{output.Path}", cancellationToken);
            }

            if (result.LogHash is { } log)
            {
                await ExpectAsync(log, $"the stored result {key} names its log", cancellationToken);
            }
        }

        return count;
    }

    private async Task<List<JobInfo>> CheckJobsAsync(CancellationToken cancellationToken)
    {
        var jobs = new List<JobInfo>();
        await foreach (var key in Objects.ListAsync(EngineKeys.JobsPrefix, cancellationToken))
        {
            if (await ParseAsync<JobInfo>(key, "the job record", cancellationToken) is not { } job)
            {
                continue;
            }

            jobs.Add(job);
            foreach (var failure in job.Failures)
            {
                if (failure.LogHash is { } log)
                {
                    await ExpectAsync(log, $"job {job.Id} ({job.Pipeline}) names the log of failed datum {failure.Description}", cancellationToken);
                }
            }

            if (job.DatumTable is not { } table)
            {
                continue;
            }

            try
            {
                foreach (var datum in await DatumTable.ReadKeysAsync(store.Content, table, cancellationToken))
                {
                    if (datum.Log is { } log)
                    {
                        await ExpectAsync(log.ToString(), $"job {job.Id} ({job.Pipeline}) names the log of datum {datum.Id}", cancellationToken);
                    }
                }
            }
            catch (PipeException e)
            {
                problems.Add($"job {job.Id} ({job.Pipeline}): its datum table: {e.Message}");
            }
        }

        return jobs;
    }

    private async Task CheckLastSuccessAsync(List<JobInfo> jobs, CancellationToken cancellationToken)
    {
        await foreach (var key in Objects.ListAsync(EngineKeys.LastSuccess(""), cancellationToken))
        {
            var pipeline = key[EngineKeys.LastSuccess("").Length..];
            var id = await Objects.TryReadAsync(key, cancellationToken) is { } data ? Encoding.UTF8.GetString(data).Trim() : "";
            if (jobs.FirstOrDefault(j => j.Pipeline == pipeline && j.Id == id) is not { } job)
            {
                problems.Add($"{key} names job '{id}', which pipeline {pipeline} has no record of; delete {key} (the job records are read instead).");
                continue;
            }

            if (job.State != JobState.Success)
            {
                problems.Add($"{key} names job {id}, which is {job.State.ToString().ToLowerInvariant()}, not successful; delete {key}.");
                continue;
            }

            if (job.DatumTable is not { } table)
            {
                continue;
            }

            // What the next job of the pipeline reuses: each of these results must be there.
            try
            {
                foreach (var datum in await DatumTable.ReadKeysAsync(store.Content, table, cancellationToken))
                {
                    if (datum.State is DatumState.Success or DatumState.Skipped && !await Objects.ExistsAsync(EngineKeys.Result(datum.Hash.ToString()), cancellationToken))
                    {
                        problems.Add($"the result of datum {datum.Id} of job {job.Id} ({pipeline}), datum hash {datum.Hash}, is missing from the results index; 'dotnet pipe run --force {pipeline}' reruns it.");
                    }
                }
            }
            catch (PipeException)
            {
                // reported with the job
            }
        }
    }

    private async Task<T?> ParseAsync<T>(string key, string what, CancellationToken cancellationToken)
        where T : class
    {
        if (await Objects.TryReadAsync(key, cancellationToken) is not { } data)
        {
            return null; // deleted meanwhile
        }

        try
        {
            return EngineJson.Deserialize<T>(data);
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            problems.Add($"{what} {key} cannot be read: {e.Message}");
            return null;
        }
    }

    private async Task ExpectAsync(string hash, string who, CancellationToken cancellationToken)
    {
        if (!ContentHash.IsValid(hash))
        {
            problems.Add($"{who}, with '{hash}', which is not a content hash.");
        }
        else if (!await store.Content.ContainsAsync(hash, cancellationToken))
        {
            problems.Add($"{who}, object {hash}, which is missing.");
        }
    }
}

/// <summary>What <see cref="EngineFsck"/> checked and every problem it found.</summary>
public sealed record EngineFsckReport(int Jobs, int Results, IReadOnlyList<string> Problems);
