using System.Globalization;
using PipeBuild.Engine;
using PipeBuild.Workers;

namespace PipeBuild.Executors.Kubernetes.Tests;

/// <summary>
/// The worker-pool executor (what the kubernetes executor runs on) passes the suite every executor does, its
/// datums claimed and run by <c>dotnet pipe worker</c> processes on this machine (<see cref="LocalWorkerPool"/>)
/// that open the fixture's store as a workspace. After a timeout or a cancel no worker has a process left.
/// </summary>
public sealed class WorkerPoolExecutorConformanceTests : ExecutorConformanceTests
{
    private readonly WorkerProcesses processes = new();

    protected override IDatumExecutor CreateExecutor(EngineFixture fixture)
    {
        // A workspace is a folder whose .pipe holds a config; an empty one names the local store there.
        var metadata = Directory.CreateDirectory(Path.Combine(fixture.Root, ".pipe")).FullName;
        File.WriteAllText(Path.Combine(metadata, "config.json"), "{}");
        var pool = new LocalWorkerPool(processes, ["--workspace", fixture.Root], new Dictionary<string, string?>(), fixture.Root, Path.Combine(fixture.Root, "workers"), count: 2);
        return new WorkerPoolExecutor(fixture.Store.Objects, pool, new WorkerPoolOptions(TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(100)));
    }

    protected override Task AssertNothingLeftRunningAsync(string pipeline)
    {
        var workers = processes.Processes.Where(p => !p.HasExited).Select(p => p.Id).ToHashSet();
        var children = Directory.EnumerateDirectories("/proc")
            .Select(folder => (Pid: Path.GetFileName(folder), Parent: ParentOf(folder)))
            .Where(p => p.Parent is { } parent && workers.Contains(parent))
            .Select(p => p.Pid)
            .ToList();
        Assert.True(children.Count == 0, $"the workers still run process(es) {string.Join(", ", children)}");
        return Task.CompletedTask;
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            processes.Dispose();
        }
    }

    /// <summary>The parent pid from <c>/proc/PID/stat</c> (the field after the state, which follows the parenthesized name).</summary>
    private static int? ParentOf(string folder)
    {
        try
        {
            var stat = File.ReadAllText(Path.Combine(folder, "stat"));
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return int.Parse(fields[1], CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }
}
