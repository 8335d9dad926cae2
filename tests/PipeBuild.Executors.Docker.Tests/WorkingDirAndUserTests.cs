namespace PipeBuild.Executors.Docker.Tests;

/// <summary>
/// Pachyderm's <c>transform.working_dir</c> and <c>transform.user</c> (<c>WorkingDir</c>, <c>User</c> in a .pipeproj)
/// through <c>dotnet pipe</c> on the docker executor: the command runs in that folder (made if the image has none)
/// as that user, who can write <c>/pfs/out</c> though the sandbox is not theirs; a change of either reruns the datums.
/// </summary>
public sealed class WorkingDirAndUserTests : IDisposable
{
    private const string Script = "for f in /pfs/data/*; do n=$(basename $f); mkdir /pfs/out/$n; echo \"$(pwd) $(id -u):$(id -g)\" > /pfs/out/$n/who; done";

    private readonly TempWorkspace ws = new();

    public WorkingDirAndUserTests()
    {
        ws.Run("repo", "create", "data").ShouldSucceed();
        ws.Run("file", "put", "data@master:a.txt", "-f", ws.Write("in/a.txt", "alpha\n"), "--no-run").ShouldSucceed();
        ws.Run("file", "put", "data@master:b.txt", "-f", ws.Write("in/b.txt", "beta\n"), "--no-run").ShouldSucceed();
    }

    [SkippableFact]
    public void A_json_specs_working_dir_and_user_are_where_and_as_whom_the_command_runs_in_the_container()
    {
        TestEngine.Require();
        ws.Write("who.json", Spec("\"working_dir\": \"/work/here\", \"user\": \"1000:1000\""));

        // One worker: the second datum runs in the container of the first, after its sandbox was emptied.
        ws.Run("pipeline", "create", "-f", "who.json", "--executor", "docker").ShouldSucceed();

        Assert.Equal("/work/here 1000:1000\n", ws.Run("file", "get", "who@master:a.txt/who").ShouldSucceed().Stdout);
        Assert.Equal("/work/here 1000:1000\n", ws.Run("file", "get", "who@master:b.txt/who").ShouldSucceed().Stdout);
        var inspect = ws.Run("pipeline", "inspect", "who").ShouldSucceed().Stdout;
        Assert.Contains("/work/here", inspect);
        Assert.Contains("1000:1000", inspect);

        // A uid the image has no name for runs too, in group 0 as docker runs it.
        ws.Write("who.json", Spec("\"working_dir\": \"/work/here\", \"user\": \"2000\""));
        ws.Run("pipeline", "update", "-f", "who.json", "--executor", "docker", "--reprocess").ShouldSucceed();

        Assert.Equal("/work/here 2000:0\n", ws.Run("file", "get", "who@master:a.txt/who").ShouldSucceed().Stdout);
    }

    [SkippableFact]
    public void A_pipeprojs_WorkingDir_and_User_name_a_folder_and_a_user_of_the_image()
    {
        TestEngine.Require();
        ws.Write("who.pipeproj", $"""
            <Project Sdk="PipeBuild.Sdk">
              <PropertyGroup>
                <Image>{TestEngine.Python}</Image>
                <Executor>docker</Executor>
                <WorkingDir>/etc</WorkingDir>
                <User>nobody</User>
                <Command>pwd > /pfs/out/pwd; id -un > /pfs/out/user</Command>
              </PropertyGroup>
              <ItemGroup>
                <PipeInput Include="data" Glob="/" />
              </ItemGroup>
            </Project>
            """);

        ws.Run("pipeline", "create", "-f", "who.pipeproj").ShouldSucceed();

        Assert.Equal("/etc\n", ws.Run("file", "get", "who@master:pwd").ShouldSucceed().Stdout);
        Assert.Equal("nobody\n", ws.Run("file", "get", "who@master:user").ShouldSucceed().Stdout);
    }

    [SkippableFact]
    public void A_user_the_image_does_not_have_is_one_error_that_says_so()
    {
        TestEngine.Require();
        ws.Write("who.json", Spec("\"user\": \"nobody\""));

        var error = ws.Run("pipeline", "create", "-f", "who.json", "--executor", "docker").ShouldFailWith("PIPE6104").Stderr;

        Assert.Contains("unable to find user nobody", error);
        Assert.Contains("Check that the image has the user 'nobody'", error);
    }

    public void Dispose() => ws.Dispose();

    private static string Spec(string transformFields) => $$$"""
        {
          "pipeline": {"name": "who"},
          "transform": {"image": "{{{TestEngine.Busybox}}}", "cmd": ["sh", "-c", "{{{Script.Replace("\"", "\\\"", StringComparison.Ordinal)}}}"], {{{transformFields}}}},
          "parallelism_spec": {"constant": 1},
          "input": {"pfs": {"repo": "data", "glob": "/*"}}
        }
        """;
}
