using System.Text;
using PipeBuild.Core;
using PipeBuild.Core.Pipelines;
using PipeBuild.Store;

namespace PipeBuild.Engine.Tests;

/// <summary>The core promise: only datums whose inputs or transform changed run; everything else is reused.</summary>
public sealed class IncrementalJobTests : IDisposable
{
    private const string Upper = "mkdir -p /pfs/out && for f in /pfs/in/*; do tr a-z A-Z < \"$f\" > /pfs/out/$(basename \"$f\"); done";
    private readonly EngineFixture fx = new();

    [Fact]
    public async Task Changing_one_of_N_files_reruns_exactly_one_datum()
    {
        var files = Enumerable.Range(0, 20).ToDictionary(i => $"f{i:D2}.txt", i => $"text {i}");
        await fx.PutAsync("in", files);
        await fx.CreateAsync(EngineFixture.Shell("upper", Upper, new PfsInput("in", "/*")));

        var first = (await fx.Engine.RunAsync([], false, null, default)).Single();
        Assert.Equal((JobState.Success, 20, 20, 0), (first.State, first.DatumsTotal, first.DatumsProcessed, first.DatumsSkipped));
        Assert.Equal("TEXT 7", (await fx.ReadAsync("upper"))["f07.txt"]);

        await fx.PutAsync("in", new Dictionary<string, string> { ["f07.txt"] = "changed" });
        var second = (await fx.Engine.RunAsync([], false, null, default)).Single();
        Assert.Equal((20, 1, 19), (second.DatumsTotal, second.DatumsProcessed, second.DatumsSkipped));
        Assert.Equal("CHANGED", (await fx.ReadAsync("upper"))["f07.txt"]);
        Assert.Equal("TEXT 8", (await fx.ReadAsync("upper"))["f08.txt"]);

        // nothing changed: no job at all
        Assert.Empty(await fx.Engine.RunAsync([], false, null, default));
    }

    [Fact]
    public async Task A_job_whose_datums_were_all_reused_commits_its_output_with_its_true_size()
    {
        await fx.PutAsync("in", new Dictionary<string, string> { ["a.txt"] = "abc", ["b.txt"] = "de" });
        await fx.CreateAsync(EngineFixture.Shell("upper", Upper, new PfsInput("in", "/*")));
        var first = (await fx.Engine.RunAsync([], false, null, default)).Single();

        await fx.PutAsync("in", new Dictionary<string, string> { ["a.txt"] = "abc" }); // a new input commit, the same data
        var second = (await fx.Engine.RunAsync([], false, null, default)).Single();

        Assert.Equal((0, 2), (second.DatumsProcessed, second.DatumsSkipped));
        Assert.NotEqual(first.OutputCommit, second.OutputCommit);
        var output = await fx.Store.GetCommitAsync("upper", second.OutputCommit!, default);
        Assert.Equal(5, output.Size); // it was 0 B
        Assert.Equal((await fx.Store.GetCommitAsync("upper", first.OutputCommit!, default)).Tree, output.Tree);
    }

    [Fact]
    public async Task The_last_successful_job_is_found_from_its_pointer_and_without_it()
    {
        await fx.PutAsync("in", new Dictionary<string, string> { ["a.txt"] = "a" });
        await fx.CreateAsync(EngineFixture.Shell("upper", Upper, new PfsInput("in", "/*")));
        var success = (await fx.Engine.RunAsync([], false, null, default)).Single();
        await fx.CreateAsync(EngineFixture.Shell("upper", "exit 1", new PfsInput("in", "/*")) with { DatumTries = 1 }, update: true);
        var failure = (await fx.Engine.RunAsync([], false, null, default)).Single();
        Assert.Equal((JobState.Success, JobState.Failure), (success.State, failure.State));

        var pointer = await fx.Store.Objects.TryReadAsync(EngineKeys.LastSuccess("upper"), default);
        Assert.Equal(success.Id, Encoding.UTF8.GetString(pointer!));
        Assert.Equal(success.Id, (await fx.Engine.Jobs.LastSuccessAsync("upper", default))?.Id);

        // A store from before the pointer: the job records answer.
        await fx.Store.Objects.DeleteAsync(EngineKeys.LastSuccess("upper"), default);
        Assert.Equal(success.Id, (await fx.Engine.Jobs.LastSuccessAsync("upper", default))?.Id);

        await fx.Engine.Registry.DeleteAsync("upper", keepRepo: false, default);
        Assert.Null(await fx.Engine.Jobs.LastSuccessAsync("upper", default));
    }

    [Theory]
    [InlineData("/*", 2, 2, 2)]
    [InlineData("/*/*", 2, 2, 1)]
    [InlineData("/**", 5, 4, 3)]
    public async Task A_job_planned_from_the_inputs_changes_has_the_datums_and_output_of_a_full_plan(string glob, int added, int changed, int removed)
    {
        // Names chosen so walk order differs from plain ordinal order of full paths ("a/..." before "a-b", "a.c").
        await fx.PutAsync("in", new Dictionary<string, string>
        {
            ["a/1.txt"] = "1",
            ["a/2.txt"] = "2",
            ["a-b/x.txt"] = "x",
            ["b/y.txt"] = "y",
            ["c/d/e.txt"] = "e",
            ["z.txt"] = "z",
        });
        // Each datum copies what it sees into a folder named by its id: datums of "/**" overlap.
        const string Copy = "cd /pfs/in && find . -type f | while read -r f; do d=\"/pfs/out/$PIPE_DATUM_ID/$(dirname \"$f\")\"; mkdir -p \"$d\" && cp \"$f\" \"$d\"; done";
        var spec = EngineFixture.Shell("copy", Copy, new PfsInput("in", glob));
        await fx.CreateAsync(spec);
        await fx.Engine.RunAsync([], false, null, default);

        await fx.PutAsync("in", new Dictionary<string, string> { ["a/1.txt"] = "one", ["a/3.txt"] = "3", ["a.c/new.txt"] = "n", ["0.txt"] = "0", ["c/d/f.txt"] = "f" });
        await fx.Store.WriteAsync(CommitRef.Parse("in@master"), null, async (e, ct) =>
        {
            await e.DeleteAsync("b", ct);
            await e.DeleteAsync("z.txt", ct);
        }, default);
        var status = (await fx.Engine.StatusAsync(default)).Single();
        var job = (await fx.Engine.RunAsync([], false, null, default)).Single();

        var head = await fx.Store.ResolveAsync(CommitRef.Parse("in@master"), default);
        var planned = await new DatumPlanner(fx.Store).PlanAsync(spec.Input, new Dictionary<string, CommitInfo> { ["in"] = head }, default);
        var table = await fx.Engine.Jobs.GetDatumsAsync(job, default);
        Assert.Equal(planned.Select(d => (d.Id, d.Describe(), d.Hash(job.TransformHash!))), table.Select(d => (d.Id, d.Description, d.Hash)));
        Assert.Equal((JobState.Success, planned.Count), (job.State, job.DatumsTotal));
        Assert.Equal((planned.Count, added, changed, removed), (status.Datums!.Total, status.Datums.New, status.Datums.Changed, status.Datums.Removed));
        Assert.Equal((job.DatumsProcessed, job.DatumsSkipped), (status.Datums.Run, status.Datums.Reused));
        Assert.Equal(job.DatumsTotal - job.DatumsProcessed, table.Count(d => d.State == DatumState.Skipped));
        Assert.True(job.DatumsProcessed is > 0 && job.DatumsProcessed < planned.Count, $"{job.DatumsProcessed} of {planned.Count} datums ran");

        // The output equals that of a pipeline planning every datum from scratch.
        await fx.CreateAsync(spec with { Name = "fresh" });
        Assert.Equal(planned.Count, (await fx.Engine.RunAsync(["fresh"], false, null, default)).Single().DatumsProcessed);
        Assert.Equal(await fx.ReadAsync("fresh"), await fx.ReadAsync("copy"));
    }

    [Fact]
    public async Task A_changed_glob_replans_the_pipeline()
    {
        await fx.PutAsync("in", new Dictionary<string, string> { ["a/1.txt"] = "1", ["a/2.txt"] = "2" });
        var spec = EngineFixture.Shell("count", "ls /pfs/in | wc -l > /pfs/out/$PIPE_DATUM_ID", new PfsInput("in", "/*"));
        await fx.CreateAsync(spec);
        Assert.Equal(1, (await fx.Engine.RunAsync([], false, null, default)).Single().DatumsTotal);

        await fx.CreateAsync(spec with { Input = new PfsInput("in", "/*/*") }, update: true);
        Assert.Equal(StalenessStep.InputDefinition, (await fx.Engine.StatusAsync(default)).Single().Step);
        var job = (await fx.Engine.RunAsync([], false, null, default)).Single();
        Assert.Equal((2, 2), (job.DatumsTotal, job.DatumsProcessed));
        Assert.Equal(2, (await fx.ReadAsync("count")).Count);
    }

    [Fact]
    public async Task Rolling_an_input_back_restores_the_old_output_without_running_anything()
    {
        await fx.PutAsync("in", new Dictionary<string, string> { ["a.txt"] = "old", ["b.txt"] = "same" });
        await fx.CreateAsync(EngineFixture.Shell("upper", Upper, new PfsInput("in", "/*")));
        await fx.Engine.RunAsync([], false, null, default);
        await fx.PutAsync("in", new Dictionary<string, string> { ["a.txt"] = "new" });
        await fx.Engine.RunAsync([], false, null, default);
        Assert.Equal("NEW", (await fx.ReadAsync("upper"))["a.txt"]);

        await fx.Store.CreateBranchAsync("in", "master", CommitRef.Parse("in@master^"), default);
        var rollback = (await fx.Engine.RunAsync([], false, null, default)).Single();
        Assert.Equal((0, 2), (rollback.DatumsProcessed, rollback.DatumsSkipped));
        Assert.Equal("OLD", (await fx.ReadAsync("upper"))["a.txt"]);
    }

    [Fact]
    public async Task Removed_input_files_drop_their_outputs()
    {
        await fx.PutAsync("in", new Dictionary<string, string> { ["a.txt"] = "a", ["b.txt"] = "b" });
        await fx.CreateAsync(EngineFixture.Shell("upper", Upper, new PfsInput("in", "/*")));
        await fx.Engine.RunAsync([], false, null, default);
        await fx.Store.WriteAsync(CommitRef.Parse("in@master"), null, async (e, ct) => await e.DeleteAsync("b.txt", ct), default);

        var job = (await fx.Engine.RunAsync([], false, null, default)).Single();
        Assert.Equal((1, 0, 1), (job.DatumsTotal, job.DatumsProcessed, job.DatumsSkipped));
        Assert.Equal(["a.txt"], (await fx.ReadAsync("upper")).Keys);
    }

    [Fact]
    public async Task A_changed_transform_reruns_everything_unless_the_update_keeps_results()
    {
        await fx.PutAsync("in", new Dictionary<string, string> { ["a.txt"] = "a", ["b.txt"] = "b" });
        var spec = EngineFixture.Shell("upper", Upper, new PfsInput("in", "/*"));
        await fx.CreateAsync(spec);
        await fx.Engine.RunAsync([], false, null, default);

        var changed = spec with { Env = [new("MODE", "2")] };
        await fx.CreateAsync(changed, Reprocess.Changed, update: true);
        Assert.Equal(2, (await fx.Engine.RunAsync([], false, null, default)).Single().DatumsProcessed);

        await fx.CreateAsync(changed with { Env = [new("MODE", "3")] }, Reprocess.None, update: true);
        var kept = (await fx.Engine.RunAsync([], false, null, default)).Single(); // a job of the new definition, on the old results
        Assert.Equal((2, 0, 2), (kept.DatumsTotal, kept.DatumsProcessed, kept.DatumsSkipped));
        Assert.Empty(await fx.Engine.RunAsync([], false, null, default));

        await fx.CreateAsync(changed with { Env = [new("MODE", "3")] }, Reprocess.All, update: true);
        Assert.Equal(2, (await fx.Engine.RunAsync([], false, null, default)).Single().DatumsProcessed);
    }

    [Fact]
    public async Task An_update_keeping_results_runs_only_new_datums_and_stores_under_its_own_identity()
    {
        await fx.PutAsync("in", new Dictionary<string, string> { ["a.txt"] = "a", ["b.txt"] = "b" });
        var spec = EngineFixture.Shell("upper", Upper, new PfsInput("in", "/*"));
        await fx.CreateAsync(spec);
        await fx.Engine.RunAsync([], false, null, default);
        var output = await fx.ReadAsync("upper");

        // rev instead of upper-casing: the kept datums keep their outputs, a new one gets the new transform
        var reversed = spec with { Command = ["sh", "-c", "for f in /pfs/in/*; do rev < \"$f\" > /pfs/out/$(basename \"$f\"); done"] };
        var pipeline = await fx.CreateAsync(reversed, Reprocess.None, update: true);
        var status = await fx.Engine.StatusAsync(pipeline, default);
        Assert.Contains("pipeline update keeps its results", status.Why);
        Assert.Equal((2, 0, 2), (status.Datums!.Total, status.Datums.Run, status.Datums.Reused));
        await fx.PutAsync("in", new Dictionary<string, string> { ["c.txt"] = "xy\n" });
        var job = (await fx.Engine.RunAsync([], false, null, default)).Single();
        Assert.Equal((3, 1, 2), (job.DatumsTotal, job.DatumsProcessed, job.DatumsSkipped));
        Assert.Equal(new Dictionary<string, string>(output) { ["c.txt"] = "yx\n" }.OrderBy(f => f.Key), (await fx.ReadAsync("upper")).OrderBy(f => f.Key));

        // after that job the results are the new definition's own: a later update or an unchanged input finds them
        await fx.PutAsync("in", new Dictionary<string, string> { ["d.txt"] = "d" });
        Assert.Equal((4, 1, 3), Counts((await fx.Engine.RunAsync([], false, null, default)).Single()));
        await fx.CreateAsync(reversed with { Env = [new("MODE", "2")] }, Reprocess.None, update: true);
        Assert.Equal((4, 0, 4), Counts((await fx.Engine.RunAsync([], false, null, default)).Single()));

        await fx.CreateAsync(reversed, Reprocess.All, update: true);
        Assert.Equal((4, 4, 0), Counts((await fx.Engine.RunAsync([], false, null, default)).Single()));
        Assert.Equal("a", (await fx.ReadAsync("upper"))["a.txt"].TrimEnd());

        static (int, int, int) Counts(JobInfo job) => (job.DatumsTotal, job.DatumsProcessed, job.DatumsSkipped);
    }

    [Fact]
    public async Task Output_commit_records_provenance_and_origin()
    {
        var input = await fx.PutAsync("in", new Dictionary<string, string> { ["a.txt"] = "a" });
        await fx.CreateAsync(EngineFixture.Shell("upper", Upper, new PfsInput("in", "/*")));
        await fx.CreateAsync(EngineFixture.Shell("again", "cp -r /pfs/upper/. /pfs/out/", new PfsInput("upper", "/")));
        var jobs = await fx.Engine.RunDownstreamAsync(["in"], null, default);
        Assert.Equal(["upper", "again"], jobs.Select(j => j.Pipeline));

        var output = await fx.Store.ResolveAsync(CommitRef.Parse("again@master"), default);
        Assert.Equal("pipeline:again", output.Origin);
        Assert.Contains(output.Provenance, p => p.Repo == "in" && p.Commit == input.Id);
        Assert.Contains(output.Provenance, p => p.Repo == "upper");
        Assert.Equal("A", (await fx.ReadAsync("again"))["a.txt"]);
    }

    [Fact]
    public async Task Status_says_why_a_pipeline_is_out_of_date()
    {
        await fx.PutAsync("in", new Dictionary<string, string> { ["a.txt"] = "a", ["b.txt"] = "b" });
        await fx.CreateAsync(EngineFixture.Shell("upper", Upper, new PfsInput("in", "/*")));
        Assert.Equal(("never run successfully", StalenessStep.NeverRun), ((await fx.Engine.StatusAsync(default)).Single().Reason, (await fx.Engine.StatusAsync(default)).Single().Step));
        await fx.Engine.RunAsync([], false, null, default);
        Assert.True((await fx.Engine.StatusAsync(default)).Single().UpToDate);

        await fx.PutAsync("in", new Dictionary<string, string> { ["a.txt"] = "A2", ["c.txt"] = "c" });
        var status = (await fx.Engine.StatusAsync(default)).Single();
        Assert.False(status.UpToDate);
        Assert.Equal((1, 1, 0, 1), (status.Datums!.New, status.Datums.Changed, status.Datums.Removed, status.Datums.Reused));
        Assert.Equal(StalenessStep.InputCommits, status.Step);
        Assert.StartsWith("input in@master is at ", status.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_new_datum_writing_a_kept_datums_path_fails_naming_both_and_keeps_the_output()
    {
        // Each datum writes a file named after the first letter of its input: b1 and b2 collide.
        const string ByLetter = "for f in /pfs/in/*; do n=$(basename \"$f\"); cp \"$f\" /pfs/out/$(printf %.1s \"$n\"); done";
        await fx.PutAsync("in", new Dictionary<string, string> { ["a1"] = "a", ["b1"] = "b" });
        await fx.CreateAsync(EngineFixture.Shell("letters", ByLetter, new PfsInput("in", "/*")));
        Assert.Equal(JobState.Success, (await fx.Engine.RunAsync([], false, null, default)).Single().State);
        var before = await fx.Store.ResolveAsync(CommitRef.Parse("letters@master"), default);

        await fx.PutAsync("in", new Dictionary<string, string> { ["b2"] = "B" });
        var job = (await fx.Engine.RunAsync([], false, null, default)).Single();
        Assert.Equal(JobState.Failure, job.State);
        Assert.Contains("PIPE4005", job.Reason);
        Assert.Contains("in:/b1", job.Reason);
        Assert.Contains("in:/b2", job.Reason);
        Assert.Equal(before.Id, (await fx.Store.ResolveAsync(CommitRef.Parse("letters@master"), default)).Id);
    }

    [Fact]
    public async Task A_changed_datum_replaces_its_outputs_and_empty_folders_go()
    {
        const string Nested = "for f in /pfs/in/*; do n=$(basename \"$f\"); mkdir -p /pfs/out/$n; cp \"$f\" /pfs/out/$n/$(cat \"$f\").txt; done";
        await fx.PutAsync("in", new Dictionary<string, string> { ["a"] = "one", ["b"] = "two" });
        await fx.CreateAsync(EngineFixture.Shell("nested", Nested, new PfsInput("in", "/*")));
        await fx.Engine.RunAsync([], false, null, default);
        Assert.Equal(["a/one.txt", "b/two.txt"], (await fx.ReadAsync("nested")).Keys.Order(StringComparer.Ordinal));

        await fx.PutAsync("in", new Dictionary<string, string> { ["a"] = "three" });
        await fx.Store.WriteAsync(CommitRef.Parse("in@master"), null, async (e, ct) => await e.DeleteAsync("b", ct), default);
        var job = (await fx.Engine.RunAsync([], false, null, default)).Single();
        Assert.Equal((1, 1, 0), (job.DatumsTotal, job.DatumsProcessed, job.DatumsSkipped));
        Assert.Equal(["a/three.txt"], (await fx.ReadAsync("nested")).Keys);
    }

    [Fact]
    public async Task An_output_branch_someone_else_moved_is_rebuilt_from_every_result()
    {
        await fx.PutAsync("in", new Dictionary<string, string> { ["a.txt"] = "a", ["b.txt"] = "b" });
        await fx.CreateAsync(EngineFixture.Shell("upper", Upper, new PfsInput("in", "/*")));
        await fx.Engine.RunAsync([], false, null, default);
        await fx.PutAsync("upper", new Dictionary<string, string> { ["stray.txt"] = "by hand" });

        await fx.PutAsync("in", new Dictionary<string, string> { ["c.txt"] = "c" });
        var job = (await fx.Engine.RunAsync([], false, null, default)).Single();
        Assert.Equal((3, 1, 2), (job.DatumsTotal, job.DatumsProcessed, job.DatumsSkipped));
        Assert.Equal(["a.txt", "b.txt", "c.txt"], (await fx.ReadAsync("upper")).Keys.Order(StringComparer.Ordinal));
        Assert.Equal([DatumState.Success, DatumState.Skipped, DatumState.Skipped], (await fx.Engine.Jobs.GetDatumsAsync(job, default)).OrderBy(d => d.State).Select(d => d.State));
    }

    [Fact]
    public async Task Gc_spares_results_logs_and_datum_tables_so_later_jobs_and_logs_still_work()
    {
        // A datum that succeeds in a failed job stores a result no commit holds; a later job reuses it.
        const string Script = "for f in /pfs/in/*; do echo \"log $f\"; if grep -q bad \"$f\"; then exit 3; fi; tr a-z A-Z < \"$f\" > /pfs/out/$(basename \"$f\"); done";
        await fx.PutAsync("in", new Dictionary<string, string> { ["a.txt"] = "a", ["b.txt"] = "bad" });
        await fx.CreateAsync(EngineFixture.Shell("upper", Script, new PfsInput("in", "/*")) with { DatumTries = 1 });
        var failed = (await fx.Engine.RunAsync([], false, null, default)).Single();
        Assert.Equal(JobState.Failure, failed.State);

        await new StoreMaintenance(fx.Store).CollectAsync(TimeSpan.Zero, default, fx.Engine.GcRoots(default));

        var datums = await fx.Engine.Jobs.GetDatumsAsync(failed, default);
        Assert.All(datums, d => Assert.NotNull(d.LogHash));
        foreach (var datum in datums)
        {
            Assert.StartsWith("log ", Encoding.UTF8.GetString(await fx.Store.Content.ReadAllAsync(new FileContent(EntryKind.File, datum.LogHash!, 0), default)));
        }

        await fx.PutAsync("in", new Dictionary<string, string> { ["b.txt"] = "b" });
        var fixedJob = (await fx.Engine.RunAsync([], false, null, default)).Single();
        Assert.Equal((JobState.Success, 1, 1), (fixedJob.State, fixedJob.DatumsProcessed, fixedJob.DatumsSkipped));
        Assert.Equal(new Dictionary<string, string> { ["a.txt"] = "A", ["b.txt"] = "B" }, await fx.ReadAsync("upper"));

        await new StoreMaintenance(fx.Store).CollectAsync(TimeSpan.Zero, default, fx.Engine.GcRoots(default));
        await fx.PutAsync("in", new Dictionary<string, string> { ["c.txt"] = "c" });
        var last = (await fx.Engine.RunAsync([], false, null, default)).Single();
        Assert.Equal((JobState.Success, 1, 2), (last.State, last.DatumsProcessed, last.DatumsSkipped));
        Assert.True((await new StoreMaintenance(fx.Store).FsckAsync(default)).IsClean);
    }

    public void Dispose() => fx.Dispose();
}
