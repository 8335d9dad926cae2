using System.Diagnostics;
using System.Text;
using PipeBuild.Core;
using PipeBuild.Core.Pipelines;
using PipeBuild.Engine;
using PipeBuild.Store;
using PipeBuild.Workers;

namespace PipeBuild.Executors.Kubernetes.Tests;

/// <summary>
/// The worker protocol with real <c>dotnet pipe worker</c> processes on one store (local, or S3 on s3rver in
/// <see cref="S3WorkerProtocolTests"/>): they share a job's datums by claiming them, and a datum whose worker is
/// killed midway is taken over by another one.
/// </summary>
public abstract class WorkerProtocolTests : IDisposable
{
    private readonly WorkerProcesses processes = new();
    private VersionStore? opened;

    /// <summary>A folder of this test's own (markers, scratch, the engine's job folders).</summary>
    protected string Root { get; } = Directory.CreateTempSubdirectory("pipe-workers-").FullName;

    /// <summary>How a worker process finds the store, e.g. <c>--workspace DIR</c>.</summary>
    protected abstract IReadOnlyList<string> StoreArguments { get; }

    /// <summary>The worker processes' environment beyond the machine's (a pod's: PIPE_STORE and the Secret's keys).</summary>
    protected virtual IReadOnlyDictionary<string, string?> WorkerEnvironment { get; } = new Dictionary<string, string?>();

    /// <summary>Short leases, so a killed worker's datum is taken over in seconds.</summary>
    protected virtual WorkerPoolOptions Protocol { get; } = new(TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(100));

    private VersionStore Store => opened ??= new VersionStore(Open());

    [SkippableFact]
    public async Task Workers_share_a_jobs_datums_and_a_killed_workers_datum_completes_elsewhere()
    {
        await PutNumbersAsync(6);
        var markers = Directory.CreateDirectory(Path.Combine(Root, "markers")).FullName;
        // Each datum notes which worker runs it ($PPID: the worker process), then works for a while.
        var spec = Doubler("sleep 2") with { Env = [new("MARKERS", markers)] };
        var run = RunAsync(spec, workers: 3);

        var first = await WaitForAsync(() => Directory.GetFiles(markers).FirstOrDefault(f => new FileInfo(f).Length > 0), TimeSpan.FromSeconds(60));
        var victim = int.Parse(File.ReadAllText(first).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains(victim, processes.Processes.Select(p => p.Id));
        Process.GetProcessById(victim).Kill(entireProcessTree: true);

        var job = await run.WaitAsync(TimeSpan.FromSeconds(120));
        Assert.True(job.State == JobState.Success, $"{job.Reason}\n{processes.AllOutput()}");
        Assert.Equal(6, job.DatumsProcessed);
        var outputs = await ReadOutputAsync("double");
        Assert.Equal(Enumerable.Range(0, 6).ToDictionary(i => $"n{i}.txt", i => $"{i * 2}\n"), outputs);

        // The killed worker's datum was taken over after its lease, and the other workers exit once the run closes.
        Assert.Contains("took over datum", processes.AllOutput());
        foreach (var survivor in processes.Processes.Where(p => p.Id != victim))
        {
            Assert.True(survivor.WaitForExit(TimeSpan.FromSeconds(20)), processes.AllOutput());
            survivor.WaitForExit(); // and its output read to the end
            Assert.True(survivor.ExitCode == 0, processes.AllOutput());
            Assert.True(processes.OutputOf(survivor).Contains("run closed", StringComparison.Ordinal), processes.AllOutput());
        }

        Assert.Equal(2, processes.Processes.Count(p => p.Id != victim && processes.OutputOf(p).Contains("datum", StringComparison.Ordinal)));
        Assert.Empty(await ListAsync(WorkerKeys.ItemsPrefix(job.Id)));
    }

    [SkippableFact]
    public async Task A_failing_datum_comes_back_with_its_log_and_is_retried_as_a_new_item()
    {
        await PutNumbersAsync(2);
        var spec = Doubler("") with { Command = ["sh", "-c", "echo \"cannot read $(basename /pfs/numbers/*)\" >&2; exit 3"], DatumTries = 2 };
        var job = await RunAsync(spec, workers: 2).WaitAsync(TimeSpan.FromSeconds(120));

        Assert.Equal(JobState.Failure, job.State);
        Assert.Equal(2, job.DatumsFailed);
        Assert.All(job.Failures, f => Assert.Equal("exit code 3", f.Reason));
        var log = Encoding.UTF8.GetString(await Store.Content.ReadAllAsync(new FileContent(EntryKind.File, job.Failures[0].LogHash!, 0), default));
        Assert.Contains("--- try 2 of 2: exit code 3 ---", log);
        Assert.Matches("cannot read n[01].txt", log);
    }

    [SkippableFact]
    public async Task A_transform_that_cannot_start_is_the_same_error_as_with_the_local_executor()
    {
        await PutNumbersAsync(1);
        var spec = Doubler("") with { Command = ["/no/such/program"] };
        var error = await Assert.ThrowsAsync<PipeException>(() => RunAsync(spec, workers: 1).WaitAsync(TimeSpan.FromSeconds(120)));
        Assert.Equal(ErrorCodes.TransformStartFailed, error.Code);
        Assert.Contains("/no/such/program", error.Message);
    }

    [SkippableFact]
    public async Task A_damaged_worker_result_is_a_corrupt_store_error_that_names_the_hash()
    {
        await using var run = await RemoteRun.OpenAsync(Store.Objects, "damaged", Doubler(""), Protocol, default);
        const string item = "item1"; // no worker runs: the result is written as a damaged store would hold it
        var result = new WorkResult { Worker = "w1", Succeeded = true, LogHash = "../../escape" };
        await Store.Objects.PutIfAbsentAsync(WorkerKeys.Result(run.JobId, item), WorkerJson.Serialize(result), default);

        using var log = new DatumLog(Path.Combine(Root, "damaged.log"));
        var work = new DatumWork(Doubler(""), new Datum([]), run.JobId, 1, Store.Content, Path.Combine(Root, "scratch"), log);
        var error = await Assert.ThrowsAsync<PipeException>(() => run.WaitAsync(item, work, _ => Task.FromResult<string?>(null), default));

        Assert.Equal(ErrorCodes.Corrupt, error.Code);
        Assert.Contains("'../../escape'", error.Message);
    }

    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>The store the engine in this process and the workers share; skips the test if its server is missing.</summary>
    protected abstract IObjectStore Open();

    protected virtual void Dispose(bool disposing)
    {
        if (!disposing)
        {
            return;
        }

        processes.Dispose();
        opened?.Objects.DisposeAsync().AsTask().GetAwaiter().GetResult();
        foreach (var file in Directory.EnumerateFiles(Root, "*", SearchOption.AllDirectories))
        {
            File.SetAttributes(file, FileAttributes.Normal);
        }

        Directory.Delete(Root, recursive: true);
    }

    private static PipelineSpec Doubler(string work) => new()
    {
        Name = "double",
        Command = ["sh", "-c", $"f=$(echo /pfs/numbers/*); [ -n \"$MARKERS\" ] && echo $PPID > \"$MARKERS/$(basename $f)\"; {(work.Length > 0 ? work + ";" : "")} echo $(( $(cat $f) * 2 )) > /pfs/out/$(basename $f)"],
        Input = new PfsInput("numbers", "/*"),
        DatumTries = 1,
        Parallelism = 3,
        Executor = "local-workers",
    };

    private async Task<JobInfo> RunAsync(PipelineSpec spec, int workers)
    {
        var pool = new LocalWorkerPool(processes, StoreArguments, WorkerEnvironment, Root, Path.Combine(Root, "scratch"), workers);
        var engine = new PipelineEngine(Store, _ => new WorkerPoolExecutor(Store.Objects, pool, Protocol), Path.Combine(Root, "jobs"));
        await engine.Registry.SaveAsync(spec, update: false, Reprocess.Changed, default);
        return (await engine.RunAsync([spec.Name], force: true, null, default)).Single();
    }

    private async Task PutNumbersAsync(int count)
    {
        await Store.CreateRepoAsync("numbers", null, default);
        await Store.WriteAsync(new CommitRef("numbers", "master", [], null), null, async (editor, ct) =>
        {
            for (var i = 0; i < count; i++)
            {
                await editor.SetFileAsync($"n{i}.txt", await Store.Content.WriteAsync(Encoding.UTF8.GetBytes($"{i}\n"), ct), ct);
            }
        }, default);
    }

    private async Task<Dictionary<string, string>> ReadOutputAsync(string repo)
    {
        var commit = await Store.ResolveAsync(CommitRef.Parse($"{repo}@master"), default);
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        await foreach (var (path, entry) in Store.WalkFilesAsync("", new TreeEntry("", EntryKind.Directory, 0, commit.Tree), default))
        {
            files[path] = Encoding.UTF8.GetString(await Store.Content.ReadAllAsync(entry.Content, default));
        }

        return files;
    }

    private async Task<List<string>> ListAsync(string prefix)
    {
        var keys = new List<string>();
        await foreach (var key in Store.Objects.ListAsync(prefix, default))
        {
            keys.Add(key);
        }

        return keys;
    }

    private static async Task<T> WaitForAsync<T>(Func<T?> probe, TimeSpan timeout)
        where T : class
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (probe() is { } value)
            {
                return value;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"nothing after {timeout}");
    }
}
