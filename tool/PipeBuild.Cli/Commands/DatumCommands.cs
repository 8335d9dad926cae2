using System.CommandLine;
using PipeBuild.Core;
using PipeBuild.Engine;
using PipeBuild.Store;

namespace PipeBuild.Cli.Commands;

/// <summary><c>datum list|inspect</c>: a job's datums, and one datum in detail (pachctl's <c>list datum</c>, <c>inspect datum</c>).</summary>
internal static class DatumCommands
{
    public static Command Create() => Cli.Group("datum", "List and inspect a job's datums.", List(), Inspect());

    private static Command List()
    {
        var job = new Argument<string>("job") { Description = "A job id or unique prefix, or pipeline@job." };
        return Cli.Command("list", "List a job's datums: what each read, its result key, and whether it ran, was reused or failed.", [job], async (s, ct) =>
        {
            var info = await JobCommands.FindAsync(s, s.Get(job), ct);
            s.Out.Write(await s.Engine.Jobs.GetDatumsAsync(info, ct), d => (["DATUM", "STATE", "INPUTS", "RESULT KEY"], d.Select(x => new[] { x.Id, x.State.Name(), x.Description, x.Hash[..16] })));
            return ExitCodes.Ok;
        });
    }

    private static Command Inspect()
    {
        var job = new Argument<string>("job") { Description = "A job id or unique prefix, or pipeline@job (pachctl's form)." };
        var datum = new Argument<string>("datum") { Description = "A datum id or unique prefix ('dotnet pipe datum list JOB')." };
        return Cli.Command("inspect", "Show a datum: its state, the input files it read (repo, path, hash, size), tries, time and the bytes it wrote.", [job, datum], async (s, ct) =>
        {
            var info = await JobCommands.FindAsync(s, s.Get(job), ct);
            var row = await FindAsync(s, info, s.Get(datum), ct);
            var details = await DetailsAsync(s, info, row, ct);
            s.Out.Write(details, d => (["FIELD", "VALUE"],
            [
                ["Datum", d.Id], ["Job", d.Job], ["Pipeline", d.Pipeline], ["State", d.State], ["Inputs", d.Inputs],
                ["Tries", d.Tries.ToString(System.Globalization.CultureInfo.InvariantCulture)], ["Time", d.Seconds is { } t ? $"{t:0.0} s" : "-"],
                ["Written", $"{Cli.Bytes(d.BytesWritten)} in {d.OutputFiles} file(s)"], ["Result key", d.ResultKey], ["Reason", d.Reason ?? ""],
                .. d.Files.Select(f => new[] { "Input file", $"{f.Repo}@{f.Commit[..12]}:{RepoPath.Display(f.Path)}  {f.Hash[..16]}  {Cli.Bytes(f.Size)}" }),
            ]));
            return ExitCodes.Ok;
        });
    }

    /// <summary>A datum of <paramref name="job"/> by id or unique prefix.</summary>
    private static async Task<JobDatum> FindAsync(Session s, JobInfo job, string id, CancellationToken ct)
    {
        var matches = id.Length == 0 ? [] : (await s.Engine.Jobs.GetDatumsAsync(job, ct)).Where(d => d.Id.StartsWith(id, StringComparison.Ordinal)).ToList();
        return matches.Count switch
        {
            1 => matches[0],
            0 => throw new PipeException(ErrorCodes.DatumNotFound, $"job {job.Id} has no datum '{id}'. 'dotnet pipe datum list {job.Id}' shows its datums."),
            _ => throw new PipeException(ErrorCodes.AmbiguousCommit, $"datum '{id}' matches {matches.Count} datums of job {job.Id}; give more digits."),
        };
    }

    private static async Task<DatumDetails> DetailsAsync(Session s, JobInfo job, JobDatum datum, CancellationToken ct)
    {
        var result = datum.State == DatumState.Failed ? null : await DatumResult.TryReadAsync(s.Store.Objects, datum.Hash, ct);
        return new DatumDetails(
            datum.Id,
            job.Id,
            job.Pipeline,
            datum.State.Name(),
            datum.Description,
            await InputFilesAsync(s, job, datum, ct),
            await TriesAsync(s, datum, ct),
            result?.Seconds,
            result?.Outputs.Sum(o => o.Size) ?? 0,
            result?.Outputs.Count ?? 0,
            datum.Hash,
            job.Failures.FirstOrDefault(f => f.DatumId == datum.Id)?.Reason);
    }

    /// <summary>
    /// The files a datum read: each matched path (a file, or a folder and everything under it) at the input commit
    /// the job read. Empty when the pipeline is no longer registered (its input names are gone with it).
    /// </summary>
    public static async Task<IReadOnlyList<DatumInputFile>> InputFilesAsync(Session s, JobInfo job, JobDatum datum, CancellationToken ct)
    {
        var inputs = await s.Engine.Registry.InputReposAsync(job.Pipeline, ct);
        var files = new List<DatumInputFile>();
        foreach (var (name, matched) in datum.MatchedPaths(inputs.Keys))
        {
            if (job.Inputs.FirstOrDefault(i => i.Repo == inputs[name]) is not { } read)
            {
                continue;
            }

            var commit = await s.Store.GetCommitAsync(read.Repo, read.Commit, ct);
            if (await s.Store.GetEntryAsync(commit, matched, ct) is not { } entry)
            {
                continue;
            }

            await foreach (var (path, file) in s.Store.WalkFilesAsync(matched, entry, ct))
            {
                files.Add(new DatumInputFile(name, read.Repo, read.Commit, path, file.Hash, file.Size));
            }
        }

        return files;
    }

    /// <summary>
    /// How many times the datum ran in this job: none when reused; otherwise the tries its log names
    /// (<c>--- try N of M</c>, written when a pipeline allows more than one), or one.
    /// </summary>
    private static async Task<int> TriesAsync(Session s, JobDatum datum, CancellationToken ct) =>
        datum.State == DatumState.Skipped ? 0
        : datum.LogHash is { } hash ? Math.Max(1, await JobLogs.CountTriesAsync(s, hash, ct))
        : 1;
}

/// <summary>What <c>datum inspect</c> shows (pachctl's detailed datum info).</summary>
internal sealed record DatumDetails(
    string Id, string Job, string Pipeline, string State, string Inputs, IReadOnlyList<DatumInputFile> Files, int Tries, double? Seconds, long BytesWritten, int OutputFiles, string ResultKey, string? Reason);

/// <summary>One file a datum read: the input's name, the repo and commit it was read at, its path, content hash and size.</summary>
internal sealed record DatumInputFile(string Input, string Repo, string Commit, string Path, string Hash, long Size);
