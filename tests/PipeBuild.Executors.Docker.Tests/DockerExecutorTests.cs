using System.Diagnostics;
using System.Text;
using CliWrap;
using CliWrap.Buffered;
using Docker.DotNet.Models;
using PipeBuild.Core.Pipelines;
using PipeBuild.Engine;

namespace PipeBuild.Executors.Docker.Tests;

/// <summary>
/// What only a container executor does: the command runs inside the image, inputs cannot be written, outputs
/// belong to the caller, the image's digest decides reuse, and the container gets the pipeline's limits.
/// </summary>
public sealed class DockerExecutorTests : IDisposable
{
    private readonly EngineFixture fx = new(new DockerExecutor());

    [SkippableFact]
    public async Task The_command_runs_inside_the_image_not_on_the_host()
    {
        TestEngine.Require();
        Assert.True(File.Exists("/bin/bash") || File.Exists("/usr/bin/bash"), "the host has bash, so its absence below proves the command ran elsewhere");
        await fx.PutAsync("data", new Dictionary<string, string> { ["a.txt"] = "alpha\n" });
        await fx.CreateAsync(Shell("inside", "ls /bin > /pfs/out/bin.txt; readlink /bin/ls >> /pfs/out/bin.txt"));

        Assert.Equal(JobState.Success, (await fx.RunOneAsync("inside")).State);

        var bin = (await fx.ReadAsync("inside"))["bin.txt"].Split('\n');
        Assert.Contains("busybox", bin);
        Assert.DoesNotContain("bash", bin);
        Assert.Equal("busybox", bin[^2]); // ls is busybox's applet link in the image
    }

    [SkippableFact]
    public async Task Inputs_are_mounted_read_only_so_a_write_fails_the_datum()
    {
        TestEngine.Require();
        await fx.PutAsync("data", new Dictionary<string, string> { ["a.txt"] = "alpha\n" });
        await fx.CreateAsync(Shell("writer", "echo changed > /pfs/data/a.txt"));
        await fx.CreateAsync(Shell("creator", "touch /pfs/data/new.txt"));

        foreach (var pipeline in new[] { "writer", "creator" })
        {
            var job = await fx.RunOneAsync(pipeline);

            Assert.Equal(JobState.Failure, job.State);
            Assert.Contains("Read-only file system", await LogAsync(Assert.Single(job.Failures).LogHash!));
        }

        Assert.Equal("alpha\n", (await fx.ReadAsync("data"))["a.txt"]); // the store is untouched either way
    }

    [SkippableFact]
    public async Task Outputs_belong_to_the_calling_user_even_when_the_image_names_another()
    {
        TestEngine.Require();
        var image = await DerivedImageAsync("user", new Config { User = "4242:4242" });
        try
        {
            // The transform waits (up to a minute) for the test to have looked at its output on the host, where the
            // worker's sandbox keeps it only while the datum runs.
            var script = "id -u > /pfs/out/id.txt; id -g >> /pfs/out/id.txt; i=0; while [ ! -e /pfs/seen ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i+1)); done";
            var spec = Shell("owner", script) with { Image = image };
            using var log = new DatumLog(Path.Combine(fx.Root, "scratch", "d0.log"));
            var work = new DatumWork(spec, new Datum([new DatumInput("data", "data", "master", "c0", "", [])]), "job0", 1, fx.Store.Content, Path.Combine(fx.Root, "scratch", "d0"), log);
            var caller = $"{await HostAsync("id", "-u")}\n{await HostAsync("id", "-g")}\n";

            var running = fx.Executor.RunAsync(work, default);
            var written = await WrittenAsync(Path.Combine(fx.Root, "scratch"), "id.txt", caller, running);
            var owner = await HostAsync("stat", "-c", "%u", written);
            await File.WriteAllTextAsync(Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(written))!, "seen"), "");
            var outcome = await running;

            Assert.True(outcome.Succeeded, outcome.Reason + "\n" + log.ReadText());
            Assert.Equal(caller.Split('\n')[0], owner);
            Assert.Equal(caller.Length, Assert.Single(outcome.Outputs).Size);
        }
        finally
        {
            await DeleteImageAsync(image);
        }
    }

    [SkippableFact]
    public async Task A_new_image_under_the_same_tag_reprocesses_every_datum_and_an_unchanged_one_none()
    {
        TestEngine.Require();
        var tag = $"localhost/pipebuild-digest-test:{Guid.NewGuid():N}";
        using var docker = TestEngine.Client();
        await docker.Images.TagImageAsync(TestEngine.Busybox, Parts(tag), default);
        try
        {
            await fx.PutAsync("data", new Dictionary<string, string> { ["a.txt"] = "alpha\n", ["b.txt"] = "beta\n" });
            await fx.CreateAsync(Shell("digest", "cp \"$data\" /pfs/out/") with { Image = tag });

            var first = await fx.RunOneAsync("digest");
            Assert.Equal((2, 0), (first.DatumsProcessed, first.DatumsSkipped));
            var again = await fx.RunOneAsync("digest");
            Assert.Equal((0, 2), (again.DatumsProcessed, again.DatumsSkipped));
            Assert.Empty(await fx.Engine.RunAsync(["digest"], force: false, null, default)); // up to date: no job at all

            // Rebuild: a different image (its own layer and config) now carries the same tag.
            var rebuilt = await DerivedImageAsync("rebuilt", new Config { Env = ["REBUILT=1"] });
            await docker.Images.TagImageAsync(rebuilt, Parts(tag), default);
            await DeleteImageAsync(rebuilt);
            Assert.NotEqual((await docker.Images.InspectImageAsync(TestEngine.Busybox)).ID, (await docker.Images.InspectImageAsync(tag)).ID);

            var status = await fx.Engine.StatusAsync(await fx.Engine.Registry.GetAsync("digest", default), default);
            Assert.False(status.UpToDate);
            Assert.Equal(StalenessStep.Transform, status.Step);
            var rerun = Assert.Single(await fx.Engine.RunAsync(["digest"], force: false, null, default));
            Assert.Equal((2, 0), (rerun.DatumsProcessed, rerun.DatumsSkipped));
            Assert.Equal(new Dictionary<string, string> { ["a.txt"] = "alpha\n", ["b.txt"] = "beta\n" }, await fx.ReadAsync("digest"));
        }
        finally
        {
            await DeleteImageAsync(tag);
        }
    }

    [SkippableFact]
    public async Task A_container_has_no_network_by_default_and_runs_with_cpu_and_memory_limits()
    {
        TestEngine.Require();
        await fx.PutAsync("data", new Dictionary<string, string> { ["a.txt"] = "alpha\n" });
        await fx.CreateAsync(Shell("limits", "ls /sys/class/net > /pfs/out/net.txt; sleep 2") with { Cpus = 0.5, Memory = 64L << 20 });

        var run = fx.RunOneAsync("limits");
        var clock = Stopwatch.StartNew();
        IList<ContainerListResponse> running;
        while ((running = await TestEngine.ContainersAsync("pipebuild.pipeline", "limits")).Count == 0)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), "no container appeared");
            await Task.Delay(100);
        }

        using var docker = TestEngine.Client();
        Assert.Equal("none", (await docker.Containers.InspectContainerAsync(Assert.Single(running).ID)).HostConfig.NetworkMode);
        Assert.Equal(JobState.Success, (await run).State);
        Assert.Equal("lo\n", (await fx.ReadAsync("limits"))["net.txt"]); // only loopback inside
    }

    [SkippableFact]
    public async Task One_container_serves_a_workers_datums_and_each_datum_starts_with_an_empty_out_folder()
    {
        TestEngine.Require();
        var executor = new DockerExecutor();
        using var own = new EngineFixture(executor); // the test ends the executor itself below, to see its container go
        await own.PutAsync("data", new Dictionary<string, string> { ["a.txt"] = "alpha\n", ["b.txt"] = "beta\n", ["c.txt"] = "gamma\n" });
        var script =
            """
            n=$(basename "$data" .txt)
            ls -A /pfs/out | wc -l > /tmp/left; cp /tmp/left /pfs/out/left-$n
            hostname > /pfs/out/host-$n
            ls /pfs > /pfs/out/pfs-$n
            cp "$data" /pfs/out/
            """;
        await own.CreateAsync(Shell("worker", script) with { Parallelism = 1 });

        var job = await own.RunOneAsync("worker");

        Assert.Equal((JobState.Success, 3), (job.State, job.DatumsProcessed));
        var files = await own.ReadAsync("worker");
        Assert.Single(new[] { "a", "b", "c" }.Select(n => files[$"host-{n}"]).Distinct()); // one container ran all three
        Assert.All(new[] { "a", "b", "c" }, n => Assert.Equal("0\n", files[$"left-{n}"])); // nothing of the datum before
        Assert.All(new[] { "a", "b", "c" }, n => Assert.Equal("data\nout\n", files[$"pfs-{n}"]));
        Assert.Equal("beta\n", files["b.txt"]);
        Assert.Single(await TestEngine.ContainersAsync("pipebuild.job", job.Id)); // the worker's, up until the executor ends

        await executor.DisposeAsync();
        Assert.Empty(await TestEngine.ContainersAsync("pipebuild.job", job.Id));
    }

    [SkippableFact]
    public async Task A_datum_that_leaves_a_process_running_takes_its_container_with_it()
    {
        TestEngine.Require();
        await fx.PutAsync("data", new Dictionary<string, string> { ["a.txt"] = "alpha\n", ["b.txt"] = "beta\n" });
        var script =
            """
            n=$(basename "$data" .txt)
            hostname > /pfs/out/host-$n
            ps -o comm > /pfs/out/ps-$n
            (sleep 600; echo late > /pfs/out/late-$n) </dev/null >/dev/null 2>&1 &
            """;
        await fx.CreateAsync(Shell("lingering", script) with { Parallelism = 1 });

        var job = await fx.RunOneAsync("lingering");

        Assert.Equal((JobState.Success, 2), (job.State, job.DatumsProcessed));
        var files = await fx.ReadAsync("lingering");
        Assert.NotEqual(files["host-a"], files["host-b"]); // the second datum got a new container
        Assert.DoesNotContain("sleep", files["ps-b"].Split('\n')); // and nothing the first one started
        Assert.DoesNotContain(files.Keys, k => k.StartsWith("late-", StringComparison.Ordinal));
        Assert.Empty(await TestEngine.ContainersAsync("pipebuild.job", job.Id)); // each went with its lingering process
    }

    [SkippableFact]
    public async Task An_image_without_a_shell_runs_each_datum_in_a_container_of_its_own()
    {
        TestEngine.Require();
        var image = await DerivedImageAsync("noshell", new Config(), run: ["rm", "/bin/sh"]);
        try
        {
            await fx.PutAsync("data", new Dictionary<string, string> { ["a.txt"] = "alpha\n", ["b.txt"] = "beta\n" });
            await fx.CreateAsync(Shell("noshell", "") with { Image = image, Command = ["/bin/busybox", "cp", "-r", "/pfs/data/.", "/pfs/out/"] });

            var job = await fx.RunOneAsync("noshell");

            Assert.Equal((JobState.Success, 2), (job.State, job.DatumsProcessed));
            Assert.Equal(new Dictionary<string, string> { ["a.txt"] = "alpha\n", ["b.txt"] = "beta\n" }, await fx.ReadAsync("noshell"));
            Assert.Empty(await TestEngine.ContainersAsync("pipebuild.pipeline", "noshell"));

            // Run as another user in WorkingDir: it can write the sandbox's /pfs/out, and "." is the input.
            await fx.CreateAsync(Shell("noshelluser", "") with { Image = image, Command = ["/bin/busybox", "cp", "-r", ".", "/pfs/out/"], WorkingDir = "/pfs/data", User = "1000:1000" });

            var asUser = await fx.RunOneAsync("noshelluser");

            Assert.Equal((JobState.Success, 2), (asUser.State, asUser.DatumsProcessed));
            Assert.Equal(new Dictionary<string, string> { ["a.txt"] = "alpha\n", ["b.txt"] = "beta\n" }, await fx.ReadAsync("noshelluser"));
        }
        finally
        {
            await DeleteImageAsync(image);
        }
    }

    [Fact]
    public async Task Cpus_memory_and_network_become_the_containers_host_config()
    {
        // The engine enforces these; in this sandbox the test runtime drops cgroup limits before runc starts
        // the container (eng/container-engine/runc-wrapper), so what is checked here is the request.
        var spec = Shell("limits", "true") with { Cpus = 1.5, Memory = 512L << 20, Network = "bridge" };
        var sandbox = await DatumSandbox.CreateAsync(Path.Combine(fx.Root, "scratch"), new Datum([]), fx.Store.Content, default);

        using var log = new DatumLog(Path.Combine(fx.Root, "limits.log"));
        var work = new DatumWork(spec, new Datum([]), "job0", 1, fx.Store.Content, "", log);
        var parameters = DockerExecutor.CreateParameters(work, DatumEnvironment.For(work, DatumEnvironment.ContainerPfs), sandbox, "sha256:0", secrets: null);

        Assert.Equal(1_500_000_000, parameters.HostConfig.NanoCPUs);
        Assert.Equal(512L << 20, parameters.HostConfig.Memory);
        Assert.Equal("bridge", parameters.HostConfig.NetworkMode);
        Assert.Equal(["sh"], parameters.Entrypoint); // the pipeline's command replaces the image's entrypoint
    }

    public void Dispose() => fx.Dispose();

    /// <summary>The path of <paramref name="name"/> under <paramref name="folder"/> once it holds <paramref name="content"/>.</summary>
    private static async Task<string> WrittenAsync(string folder, string name, string content, Task running)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            foreach (var file in Directory.Exists(folder) ? Directory.EnumerateFiles(folder, name, SearchOption.AllDirectories) : [])
            {
                if (await File.ReadAllTextAsync(file) == content)
                {
                    return file;
                }
            }

            Assert.False(running.IsCompleted, $"the datum ended before {name} was seen");
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"{name} did not appear");
            await Task.Delay(50);
        }
    }

    private static PipelineSpec Shell(string name, string script) =>
        EngineFixture.Shell(name, script, new PfsInput("data", "/*")) with { Image = TestEngine.Busybox, Executor = "docker" };

    private static ImageTagParameters Parts(string reference)
    {
        var colon = reference.LastIndexOf(':');
        return new ImageTagParameters { RepositoryName = reference[..colon], Tag = reference[(colon + 1)..], Force = true };
    }

    /// <summary>A new image from the busybox test image with <paramref name="config"/>, as `docker commit` makes one.</summary>
    private static async Task<string> DerivedImageAsync(string purpose, Config config, IList<string>? run = null)
    {
        using var docker = TestEngine.Client();
        var container = await docker.Containers.CreateContainerAsync(new CreateContainerParameters { Image = TestEngine.Busybox, Cmd = run ?? ["true"] });
        try
        {
            if (run is not null)
            {
                await docker.Containers.StartContainerAsync(container.ID, new ContainerStartParameters());
                Assert.Equal(0, (await docker.Containers.WaitContainerAsync(container.ID)).StatusCode);
            }

            var tag = $"test-{Guid.NewGuid():N}";
            await docker.Images.CommitContainerChangesAsync(new CommitContainerChangesParameters
            {
                ContainerID = container.ID,
                RepositoryName = $"localhost/pipebuild-{purpose}",
                Tag = tag,
                Config = config,
                Changes = config.User is { } user ? [$"USER {user}"] : [.. (config.Env ?? []).Select(e => $"ENV {e.Replace('=', ' ')}")],
            });
            var image = $"localhost/pipebuild-{purpose}:{tag}";
            var inspected = await docker.Images.InspectImageAsync(image);
            Assert.Equal(config.User ?? "", inspected.Config.User ?? ""); // the engine took the configuration
            return image;
        }
        finally
        {
            await docker.Containers.RemoveContainerAsync(container.ID, new ContainerRemoveParameters { Force = true });
        }
    }

    private static async Task DeleteImageAsync(string image)
    {
        using var docker = TestEngine.Client();
        await docker.Images.DeleteImageAsync(image, new ImageDeleteParameters { Force = true });
    }

    private static async Task<string> HostAsync(string program, params string[] args) =>
        (await CliWrap.Cli.Wrap(program).WithArguments(args).ExecuteBufferedAsync()).StandardOutput.Trim();

    private async Task<string> LogAsync(string hash) =>
        Encoding.UTF8.GetString(await fx.Store.Content.ReadAllAsync(new Store.FileContent(Store.EntryKind.File, hash, 0), default));
}
