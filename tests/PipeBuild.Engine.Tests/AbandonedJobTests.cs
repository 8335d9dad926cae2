using System.Diagnostics;

namespace PipeBuild.Engine.Tests;

/// <summary>A running job whose owner is gone is ended by the next read of the records (docs/architecture.md).</summary>
public sealed class AbandonedJobTests : IDisposable
{
    private readonly EngineFixture fx = new();

    [Fact]
    public async Task A_job_whose_process_on_this_machine_ended_is_killed_and_its_scratch_removed()
    {
        using var gone = Process.Start("true")!;
        await gone.WaitForExitAsync();
        var owner = new JobOwner(Environment.MachineName, gone.Id, DateTimeOffset.UtcNow);
        var scratch = Directory.CreateDirectory(Path.Combine(fx.Root, ".pipe", "tmp", "dead1")).FullName;
        await SaveRunningAsync("dead1", owner, DateTimeOffset.UtcNow);

        var job = await fx.Engine.Jobs.GetAsync("dead1", default);

        Assert.Equal(JobState.Killed, job.State);
        Assert.Contains($"its process ({gone.Id} on {Environment.MachineName}) ended without finishing it", job.Reason);
        Assert.NotNull(job.Finished);
        Assert.False(Directory.Exists(scratch));
        Assert.Equal(JobState.Killed, (await fx.Engine.Jobs.GetAsync("dead1", default)).State); // stored, not only shown
    }

    [Fact]
    public async Task A_process_id_used_again_by_a_later_process_is_not_taken_for_the_owner()
    {
        var current = JobOwner.Current;
        await SaveRunningAsync("reused", current with { ProcessStarted = current.ProcessStarted.AddMinutes(-10) }, DateTimeOffset.UtcNow);

        Assert.Equal(JobState.Killed, (await fx.Engine.Jobs.GetAsync("reused", default)).State);
    }

    [Fact]
    public async Task Running_jobs_of_live_owners_and_of_older_records_are_left_running()
    {
        await SaveRunningAsync("mine", JobOwner.Current, DateTimeOffset.UtcNow);
        await SaveRunningAsync("remote", new JobOwner("another-machine", 4242, DateTimeOffset.UtcNow.AddHours(-1)), DateTimeOffset.UtcNow.AddSeconds(-5));
        await SaveRunningAsync("older", null, null);

        var jobs = await fx.Engine.Jobs.ListAsync(null, default);

        Assert.All(jobs, j => Assert.Equal(JobState.Running, j.State));
        Assert.Equal(3, jobs.Count);
    }

    [Fact]
    public async Task A_job_of_another_machine_is_killed_once_its_heartbeat_is_older_than_the_timeout()
    {
        var since = DateTimeOffset.UtcNow - JobStore.HeartbeatTimeout - TimeSpan.FromSeconds(5);
        await SaveRunningAsync("silent", new JobOwner("another-machine", 4242, since.AddHours(-1)), since);

        var job = await fx.Engine.Jobs.GetAsync("silent", default);

        Assert.Equal(JobState.Killed, job.State);
        Assert.Contains("has given no sign of life since", job.Reason);
    }

    public void Dispose() => fx.Dispose();

    private Task SaveRunningAsync(string id, JobOwner? owner, DateTimeOffset? heartbeat) =>
        fx.Engine.Jobs.SaveAsync(new JobInfo { Id = id, Pipeline = "p", State = JobState.Running, Started = DateTimeOffset.UtcNow.AddMinutes(-1), Owner = owner, Heartbeat = heartbeat }, default);
}
