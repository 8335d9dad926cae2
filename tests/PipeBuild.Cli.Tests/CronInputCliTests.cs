using System.Globalization;
using PipeBuild.Core.Pipelines;

namespace PipeBuild.Cli.Tests;

/// <summary>
/// Cron inputs from the command line: Pachyderm's own example spec shape (its docs' "cron" input: name, spec, start,
/// overwrite) and a .pipeproj's PipeInput with Cron. The start is put hours in the past, so the ticks due are known
/// without a sleep and without a clock in the tool (the engine's tests drive an injected clock).
/// </summary>
public sealed class CronInputCliTests : IDisposable
{
    private readonly TempWorkspace ws = new();

    [Fact]
    public void A_json_cron_input_makes_its_repo_and_a_run_commits_the_missed_ticks()
    {
        var start = StartHoursAgo(3.5);
        ws.Write("clock.json", $$"""
            {
              "pipeline": { "name": "clock" },
              "input": { "cron": { "name": "tick", "spec": "@every 1h", "start": "{{start:yyyy-MM-ddTHH:mm:ssZ}}" } },
              "transform": { "cmd": ["sh", "-c", "for f in /pfs/tick/*; do touch \"/pfs/out/${f##*/}.seen\"; done"] }
            }
            """);

        ws.Run("pipeline", "create", "-f", "clock.json").ShouldSucceed();

        // Pachyderm's repo name for a cron input: PIPELINE_NAME
        var ticks = JsonOutput.Column(ws.Run("file", "list", "clock_tick@master", "--output", "json"), "path");
        Assert.Equal(new[] { 1, 2, 3 }.Select(h => "/" + CronSchedule.FileName(start.AddHours(h))), ticks);
        Assert.Equal(ticks.Select(t => t + ".seen"), JsonOutput.Column(ws.Run("file", "list", "clock@master", "--output", "json"), "path"));
        Assert.Equal(0, ws.Run("run", "--question").ExitCode); // the next tick is half an hour away
        Assert.Contains($"tick=clock_tick@master:/* (cron @every 1h from {CronSchedule.FileName(start)})", ws.Run("pipeline", "inspect", "clock").ShouldSucceed().Stdout, StringComparison.Ordinal);

        var converted = ws.Run("pipeline", "convert", "clock.json", "--out", "-").ShouldSucceed().Stdout;
        Assert.Contains("<PipeInput Include=\"clock_tick\" Glob=\"/*\" Name=\"tick\" Cron=\"@every 1h\" CronStart=", converted, StringComparison.Ordinal);
    }

    [Fact]
    public void A_pipeproj_cron_input_with_overwrite_holds_one_file_the_newest_tick()
    {
        var start = StartHoursAgo(2.5);
        ws.Write("latest.pipeproj", $$"""
            <Project Sdk="PipeBuild.Sdk">
              <PropertyGroup>
                <Command>ls /pfs/clock > /pfs/out/latest.txt</Command>
              </PropertyGroup>
              <ItemGroup>
                <PipeInput Include="clock" Cron="@every 1h" CronStart="{{start:O}}" Overwrite="true" />
              </ItemGroup>
            </Project>
            """);

        ws.Run("pipeline", "create", "-f", "latest.pipeproj").ShouldSucceed();

        Assert.Equal(["/" + CronSchedule.FileName(start.AddHours(2))], JsonOutput.Column(ws.Run("file", "list", "clock@master", "--output", "json"), "path"));
        Assert.Equal(CronSchedule.FileName(start.AddHours(2)) + "\n", ws.Run("file", "get", "latest@master:latest.txt").ShouldSucceed().Stdout);
    }

    public void Dispose() => ws.Dispose();

    /// <summary>A whole second some hours ago, so tick times print as they are stored.</summary>
    private static DateTimeOffset StartHoursAgo(double hours)
    {
        var start = DateTimeOffset.UtcNow.AddHours(-hours);
        return new DateTimeOffset(start.Year, start.Month, start.Day, start.Hour, start.Minute, start.Second, TimeSpan.Zero);
    }
}
