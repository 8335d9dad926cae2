using System.Text;
using CsCheck;
using PipeBuild.Core;
using PipeBuild.Core.Pipelines;
using PipeBuild.Engine;
using PipeBuild.Store;
using Xunit.Abstractions;

namespace PipeBuild.Engine.Tests;

/// <summary>
/// The staleness chain predicts exactly what <c>run</c> does: random sequences of what users do to a workspace of
/// two pipelines (upper reads in, sizes reads upper), and after each step the status (what <c>run --question</c>
/// prints) is checked against the run that follows: which pipelines ran, and how many datums each ran, reused and
/// dropped.
/// </summary>
public sealed class StalenessPropertyTests(ITestOutputHelper output)
{
    /// <summary>Set (CsCheck's <c>seed</c>) to replay a failure: the failing seed is in its message.</summary>
    private const string? Seed = null;

    private const int Sequences = 30;

    private static readonly string[] Commands =
    [
        "for f in /pfs/in/*; do case \"${f##*/}\" in bad) exit 1;; esac; tr a-z A-Z < \"$f\" > /pfs/out/$(basename \"$f\"); done",
        "for f in /pfs/in/*; do case \"${f##*/}\" in bad) exit 1;; esac; rev < \"$f\" > /pfs/out/$(basename \"$f\"); done",
    ];

    private static readonly string[] Globs = ["/*", "/f*"];

    public enum Kind
    {
        Put,
        PutBad,
        Delete,
        Append,
        MoveInputBack,
        MoveOutputBack,
        StartCommit,
        FinishCommit,
        EditCommand,
        UpdateKeepingResults,
        EditGlob,
        Gc,
    }

    public sealed record Op(Kind Kind, int Arg)
    {
        public override string ToString() => $"{Kind}({Arg})";
    }

    [Fact]
    public async Task Run_question_predicts_what_run_does_after_any_sequence_of_operations()
    {
        var steps = 0;
        var gen = Gen.Select(Gen.Enum<Kind>(), Gen.Int[0, 4], (kind, arg) => new Op(kind, arg)).Array[8, 16];
        await gen.SampleAsync(
            async ops =>
            {
                using var workspace = new Workspace();
                await workspace.StartAsync();
                foreach (var op in ops)
                {
                    await workspace.ApplyAsync(op);
                    await workspace.CheckPredictionAsync($"after {string.Join(", ", ops.TakeWhile(o => !ReferenceEquals(o, op)).Append(op))}");
                    Interlocked.Increment(ref steps);
                }
            },
            writeLine: output.WriteLine,
            seed: Seed,
            iter: Sequences,
            threads: 1);
        output.WriteLine($"{steps} operations, each followed by a status and a run");
    }

    /// <summary>A store with the two pipelines, and the operations on it.</summary>
    private sealed class Workspace : IDisposable
    {
        private readonly EngineFixture fx = new();
        private int version;
        private int command;
        private int glob;

        // What is stored under each command's identity, by datum (path and content): the transform's output, or the
        // output an update without --reprocess took over. Kept is the command whose results the definition takes
        // over until a job of it succeeds.
        private readonly Dictionary<(int Command, string Path, string Content), string> results = [];
        private int? kept;

        // The command of the last job of upper that succeeded; none until one has (a workspace whose first job fails
        // has no results an update could keep: the engine keeps those of the last successful job only).
        private int? lastSuccess;

        public async Task StartAsync()
        {
            await fx.PutAsync("in", new Dictionary<string, string> { ["f0"] = "a\n", ["f1"] = "b\n" });
            await fx.CreateAsync(Upper());
            await fx.CreateAsync(EngineFixture.Shell("sizes", "for f in /pfs/upper/*; do wc -c < \"$f\" > /pfs/out/$(basename \"$f\"); done", new PfsInput("upper", "/*")));
        }

        public async Task ApplyAsync(Op op)
        {
            var file = $"f{op.Arg}";
            switch (op.Kind)
            {
                case Kind.Put:
                    await PutAsync(file, $"v{++version}\n");
                    break;
                case Kind.PutBad:
                    await PutAsync("bad", $"v{++version}\n");
                    break;
                case Kind.Delete:
                    await WriteAsync((editor, ct) => editor.DeleteAsync(op.Arg % 2 == 0 ? file : "bad", ct));
                    break;
                case Kind.Append:
                    var existing = await ReadAsync(file);
                    await PutAsync(file, existing + $"+{++version}\n");
                    break;
                case Kind.MoveInputBack:
                    await TryAsync(() => fx.Store.CreateBranchAsync("in", "master", CommitRef.Parse(op.Arg % 2 == 0 ? "in@master^" : "in@master^2"), default));
                    break;
                case Kind.MoveOutputBack:
                    var repo = op.Arg % 2 == 0 ? "upper" : "sizes";
                    await TryAsync(() => fx.Store.CreateBranchAsync(repo, "master", CommitRef.Parse($"{repo}@master^"), default));
                    break;
                case Kind.StartCommit:
                    await TryAsync(() => fx.Store.StartCommitAsync("in", "master", null, default));
                    break;
                case Kind.FinishCommit:
                    await TryAsync(() => fx.Store.FinishCommitAsync(CommitRef.Parse("in@master"), null, default));
                    break;
                case Kind.EditCommand:
                    command = op.Arg % Commands.Length;
                    kept = null;
                    await fx.CreateAsync(Upper(), update: true);
                    break;
                case Kind.UpdateKeepingResults:
                    command = op.Arg % Commands.Length;
                    kept = lastSuccess;
                    await fx.CreateAsync(Upper(), Reprocess.None, update: true);
                    break;
                case Kind.EditGlob:
                    glob = op.Arg % Globs.Length;
                    kept = null;
                    await fx.CreateAsync(Upper(), update: true);
                    break;
                case Kind.Gc:
                    await new StoreMaintenance(fx.Store).CollectAsync(TimeSpan.Zero, default, fx.Engine.GcRoots(default));
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(op), op, null);
            }
        }

        /// <summary>The status's prediction against the run that follows it, then that nothing is left to run but what failed.</summary>
        public async Task CheckPredictionAsync(string context)
        {
            var predicted = await fx.Engine.StatusAsync(default);
            var before = new Dictionary<string, HashSet<Digest>>();
            foreach (var status in predicted)
            {
                before[status.Pipeline] = await IdsAsync(await fx.Engine.Jobs.LastSuccessAsync(status.Pipeline, default));
            }

            var jobs = await fx.Engine.RunAsync([], force: false, null, default);
            var failed = jobs.Where(j => j.State != JobState.Success).Select(j => j.Pipeline).ToHashSet();
            foreach (var status in predicted)
            {
                var job = jobs.SingleOrDefault(j => j.Pipeline == status.Pipeline);
                if (status.Pipeline == "sizes" && failed.Contains("upper"))
                {
                    Assert.Null(job); // nothing builds on a failed upstream
                    continue;
                }

                Assert.True(status.WillRun == job is not null, $"{context}: {status.Pipeline} predicted {status.Step} ({status.Why}), run {(job is null ? "started no job" : "ran a job")}");
                if (job is not null && status.Datums is { } datums)
                {
                    var removed = before[status.Pipeline].Except(await IdsAsync(job)).Count();
                    Assert.True(
                        (datums.Total, datums.Run, datums.Reused, datums.Removed) == (job.DatumsTotal, job.DatumsProcessed + job.DatumsFailed, job.DatumsSkipped, removed),
                        $"{context}: {status.Pipeline} predicted {datums} of {datums.Total}; the job ran {job.DatumsProcessed + job.DatumsFailed}, reused {job.DatumsSkipped}, removed {removed} of {job.DatumsTotal}");
                }
            }

            foreach (var status in await fx.Engine.StatusAsync(default))
            {
                var stale = status.Pipeline == "sizes" && failed.Contains("upper");
                Assert.True(stale || failed.Contains(status.Pipeline) || !status.WillRun, $"{context}: right after a run, {status.Pipeline} is still {status.Step} ({status.Why})");
            }

            // Every datum of the run that succeeded has a result under the command now (a failed job stores those too).
            var matched = (await FilesAsync("in")).Where(f => (Globs[glob] == "/*" || f.Key.StartsWith('f')) && f.Key != "bad").ToList();
            var predictedUpper = predicted.Single(p => p.Pipeline == "upper");
            if (predictedUpper.WillRun || !failed.Contains("upper"))
            {
                foreach (var (path, content) in matched)
                {
                    var taken = kept is { } from && results.TryGetValue((from, path, content), out var old) ? old : Transform(content);
                    results.TryAdd((command, path, content), taken);
                }
            }

            if (!failed.Contains("upper"))
            {
                (lastSuccess, kept) = (command, null);
            }

            // What "up to date" promises, computed without the engine: the outputs are the stored results of the
            // inputs, which are their transforms unless an update kept the previous definition's.
            if (failed.Count == 0)
            {
                var upper = matched.ToDictionary(f => f.Key, f => results[(command, f.Key, f.Value)]);
                var actual = await FilesAsync("upper");
                Assert.True(Same(upper, actual), $"{context}: upper@master is not the transform of in@master: expected {Show(upper)}, found {Show(actual)}");
                Assert.True(Same(upper.ToDictionary(f => f.Key, f => $"{Encoding.UTF8.GetByteCount(f.Value)}\n"), await FilesAsync("sizes")), $"{context}: sizes@master is not the sizes of upper@master");
            }
        }

        public void Dispose() => fx.Dispose();

        private static bool Same(Dictionary<string, string> expected, Dictionary<string, string> actual) =>
            expected.Count == actual.Count && expected.All(e => actual.TryGetValue(e.Key, out var a) && a == e.Value);

        private static string Show(Dictionary<string, string> files) =>
            string.Join(", ", files.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => $"{f.Key}={f.Value.TrimEnd('\n')}"));

        private string Transform(string text) => command == 0
            ? text.ToUpperInvariant()
            : string.Concat(text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => new string([.. line.Reverse()]) + "\n"));

        private async Task<Dictionary<string, string>> FilesAsync(string repo)
        {
            var files = new Dictionary<string, string>(StringComparer.Ordinal);
            if ((await fx.Store.TryGetBranchAsync(repo, "master", default))?.Head is not { } head)
            {
                return files;
            }

            var commit = await fx.Store.GetCommitAsync(repo, head, default);
            await foreach (var (path, entry) in fx.Store.WalkFilesAsync("", new TreeEntry("", EntryKind.Directory, 0, commit.Tree), default))
            {
                files[path] = Encoding.UTF8.GetString(await fx.Store.Content.ReadAllAsync(entry.Content, default));
            }

            return files;
        }

        private PipelineSpec Upper() => EngineFixture.Shell("upper", Commands[command], new PfsInput("in", Globs[glob]));

        private async Task<HashSet<Digest>> IdsAsync(JobInfo? job) =>
            job?.DatumTable is null ? [] : [.. (await fx.Engine.Jobs.GetDatumKeysAsync(job, default)).Select(d => d.Id)];

        private Task PutAsync(string path, string text) =>
            WriteAsync(async (editor, ct) => await editor.SetFileAsync(path, await fx.Store.Content.WriteAsync(Encoding.UTF8.GetBytes(text), ct), ct));

        private Task WriteAsync(Func<TreeEditor, CancellationToken, Task> edit) =>
            fx.Store.WriteAsync(CommitRef.Parse("in@master"), null, edit, default);

        private async Task<string> ReadAsync(string path)
        {
            var branch = await fx.Store.TryGetBranchAsync("in", "master", default);
            if (branch?.Head is not { } head || await fx.Store.GetEntryAsync(await fx.Store.GetCommitAsync("in", head, default), path, default) is not { IsDirectory: false } entry)
            {
                return "";
            }

            return Encoding.UTF8.GetString(await fx.Store.Content.ReadAllAsync(entry.Content, default));
        }

        /// <summary>An operation a user can be refused (no parent to move back to, a commit already open or none open): the refusal is part of the sequence.</summary>
        private static async Task TryAsync(Func<Task> operation)
        {
            try
            {
                await operation();
            }
            catch (PipeException e) when (e.Code is ErrorCodes.CommitNotFound or ErrorCodes.BranchNotFound or ErrorCodes.CommitAlreadyOpen or ErrorCodes.CommitNotOpen)
            {
            }
        }
    }
}
