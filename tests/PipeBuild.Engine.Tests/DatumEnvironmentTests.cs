using PipeBuild.Core.Pipelines;
using PipeBuild.Store;
using PipeBuild.Store.Local;

namespace PipeBuild.Engine.Tests;

/// <summary>
/// <see cref="DatumEnvironment"/>: the variables, arguments, stdin and mounts every executor gives a datum, which
/// differ between a container and a process on this machine only in where <c>/pfs</c> is.
/// </summary>
public sealed class DatumEnvironmentTests
{
    private const string Host = "/tmp/slot-1/pfs";

    private static readonly PipelineSpec Spec = new()
    {
        Name = "train",
        Command = ["python3", "train.py", "/pfs/data", "'/pfs/out'", "/data/pfs", "/pfs2"],
        Stdin = ["cd /pfs && ls"],
        Env = [new("OUT", "/pfs/out/model"), new("SEED", "7"), new("PIPE_DATUM_ID", "mine"), new("data", "mine")],
        Input = new CrossInput([new PfsInput("data", "/*"), new PfsInput("config", "/")]),
    };

    private static readonly Datum Crossed = new([Part("data", "dir/a.csv"), Part("config", "")]);

    [Fact]
    public void A_container_gets_the_pachyderm_variables_the_pipelines_env_and_a_path_per_input()
    {
        var environment = new DatumEnvironment(Spec, "job1", Crossed, DatumEnvironment.ContainerPfs);

        Assert.Equal(
            new Dictionary<string, string>
            {
                ["OUT"] = "/pfs/out/model",
                ["SEED"] = "7",
                ["PIPE_JOB_ID"] = "job1",
                ["PACH_JOB_ID"] = "job1",
                ["PIPE_PIPELINE"] = "train",
                ["PIPE_PFS"] = "/pfs",
                ["PIPE_DATUM_ID"] = Crossed.Id, // the datum's variables win over a PipeEnv of the same name
                ["PACH_DATUM_ID"] = Crossed.Id,
                ["data"] = "/pfs/data/dir/a.csv",
                ["config"] = "/pfs/config", // a whole-repo input: its folder, no trailing slash
            },
            environment.Variables);
        Assert.Equal(["train.py", "/pfs/data", "'/pfs/out'", "/data/pfs", "/pfs2"], environment.Arguments);
        Assert.Equal(["cd /pfs && ls"], environment.Stdin);
    }

    [Fact]
    public void A_process_on_this_machine_gets_the_same_variables_with_pfs_at_its_sandbox()
    {
        var container = new DatumEnvironment(Spec, "job1", Crossed, DatumEnvironment.ContainerPfs);
        var host = new DatumEnvironment(Spec, "job1", Crossed, Host);

        Assert.Equal(container.Variables.ToDictionary(v => v.Key, v => v.Value.Replace("/pfs", Host, StringComparison.Ordinal)), host.Variables);
        Assert.Equal(Host, host.Variables["PIPE_PFS"]);
        Assert.Equal(["train.py", $"{Host}/data", $"'{Host}/out'", "/data/pfs", "/pfs2"], host.Arguments);
        Assert.Equal([$"cd {Host} && ls"], host.Stdin);
    }

    [Fact]
    public void The_job_variables_are_the_same_for_every_datum_and_the_datum_variables_are_its_own()
    {
        var other = new Datum([Part("data", "dir/b.csv"), Part("config", "")]);
        var first = new DatumEnvironment(Spec, "job1", Crossed, Host);
        var second = new DatumEnvironment(Spec, "job1", other, Host);

        Assert.Equal(first.JobVariables, second.JobVariables);
        Assert.DoesNotContain(first.JobVariables, v => v.Value.Contains(Crossed.Id, StringComparison.Ordinal) || v.Value.Contains("a.csv", StringComparison.Ordinal));
        Assert.Equal([new("data", $"{Host}/data/dir/b.csv"), new("config", $"{Host}/config")], second.Inputs);
        Assert.Equal(other.Id, second.Variables["PIPE_DATUM_ID"]);
    }

    [Fact]
    public void A_pfs_folder_with_a_dollar_is_mapped_literally()
    {
        var environment = new DatumEnvironment(Spec, "job1", Crossed, "/tmp/a$1/pfs");

        Assert.Equal("/tmp/a$1/pfs/out/model", environment.Variables["OUT"]);
        Assert.Equal("/tmp/a$1/pfs/data", environment.Arguments[1]);
    }

    [Fact]
    public async Task A_group_mounts_its_inputs_folder_once_and_its_variable_names_the_last_part()
    {
        var scratch = Directory.CreateTempSubdirectory("pipe-env-").FullName;
        try
        {
            var grouped = new Datum([Part("data", "x-1.csv"), Part("data", "x-2.csv"), Part("labels", "x.csv")]);
            var content = new ContentStore(new LocalObjectStore(Path.Combine(scratch, "store")));
            var sandbox = await DatumSandbox.CreateAsync(Path.Combine(scratch, "datum"), grouped, content, default);
            var environment = new DatumEnvironment(Spec, "job1", grouped, DatumEnvironment.ContainerPfs);

            Assert.Equal(
                [
                    new DatumMount(Path.Combine(sandbox.Root, "data"), "/pfs/data", ReadOnly: true),
                    new DatumMount(Path.Combine(sandbox.Root, "labels"), "/pfs/labels", ReadOnly: true),
                    new DatumMount(sandbox.Out, "/pfs/out", ReadOnly: false),
                ],
                environment.Mounts(sandbox));
            Assert.Equal(["/pfs/data/x-1.csv", "/pfs/data/x-2.csv", "/pfs/labels/x.csv"], environment.Inputs.Select(i => i.Value));
            Assert.Equal("/pfs/data/x-2.csv", environment.Variables["data"]);
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    private static DatumInput Part(string name, string matched) => new(name, name, "master", "c1", matched, []);
}
