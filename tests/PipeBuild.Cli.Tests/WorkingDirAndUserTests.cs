using System.Globalization;

namespace PipeBuild.Cli.Tests;

/// <summary>
/// WorkingDir and User (Pachyderm's <c>transform.working_dir</c>, <c>transform.user</c>) with the local executor:
/// the process runs in WorkingDir, a folder of this machine, and as the user running <c>dotnet pipe</c>, which a
/// User may name; a User naming anyone else, or a WorkingDir this machine lacks, is an error before any datum runs.
/// </summary>
public sealed class WorkingDirAndUserTests : IDisposable
{
    private readonly TempWorkspace ws = new();

    public WorkingDirAndUserTests()
    {
        ws.Run("repo", "create", "data").ShouldSucceed();
        ws.Run("file", "put", "data@master:a.txt", "-f", ws.Write("in/a.txt", "alpha\n"), "--no-run").ShouldSucceed();
    }

    [Fact]
    public void A_pipeproj_runs_in_its_WorkingDir_as_the_User_that_names_the_caller()
    {
        var folder = Path.Combine(ws.Root, "elsewhere");
        Directory.CreateDirectory(folder);
        ws.Write("where.pipeproj", Pipeproj($"<WorkingDir>{folder}</WorkingDir><User>{Environment.UserName}</User>"));

        ws.Run("pipeline", "create", "-f", "where.pipeproj").ShouldSucceed();

        Assert.Equal(folder + "\n", ws.Run("file", "get", "where@master:pwd").ShouldSucceed().Stdout);
    }

    [Fact]
    public void A_batched_transform_runs_in_its_WorkingDir_too()
    {
        var folder = Directory.CreateDirectory(Path.Combine(ws.Root, "elsewhere")).FullName;
        ws.Write("where.pipeproj", $"""
            <Project Sdk="PipeBuild.Sdk">
              <PropertyGroup>
                <Command>while line=`dotnet {PipeCli.ToolPath} next-datum --status 0`; do pwd &gt; /pfs/out/pwd; done</Command>
                <DatumBatching>true</DatumBatching>
                <WorkingDir>{folder}</WorkingDir>
              </PropertyGroup>
              <ItemGroup>
                <PipeInput Include="data" Glob="/" />
              </ItemGroup>
            </Project>
            """);

        ws.Run("pipeline", "create", "-f", "where.pipeproj").ShouldSucceed();

        Assert.Equal(folder + "\n", ws.Run("file", "get", "where@master:pwd").ShouldSucceed().Stdout);
    }

    [Fact]
    public void A_json_spec_whose_user_is_the_callers_uid_and_gid_runs()
    {
        var ids = $"{Id("-u")}:{Id("-g")}";
        ws.Write("where.json", $$$$"""{"pipeline": {"name": "where"}, "transform": {"cmd": ["sh", "-c", "id -u > /pfs/out/uid"], "user": "{{{{ids}}}}"}, "input": {"pfs": {"repo": "data", "glob": "/"}}}""");

        ws.Run("pipeline", "create", "-f", "where.json").ShouldSucceed();

        Assert.Equal(Id("-u") + "\n", ws.Run("file", "get", "where@master:uid").ShouldSucceed().Stdout);
    }

    [Fact]
    public void Without_a_WorkingDir_the_command_runs_in_the_pipelines_folder()
    {
        ws.Write("sub/where.pipeproj", Pipeproj(""));

        ws.Run("pipeline", "create", "-f", "sub/where.pipeproj").ShouldSucceed();

        Assert.Equal(Path.Combine(ws.Root, "sub") + "\n", ws.Run("file", "get", "where@master:pwd").ShouldSucceed().Stdout);
    }

    [Theory]
    [InlineData("<User>pipebuild-nobody-here</User>", "the local executor runs the transform as", "not as User 'pipebuild-nobody-here'")]
    [InlineData("<User>0:4242</User>", "the local executor runs the transform as", "not as User '0:4242'")]
    [InlineData("<WorkingDir>/pipebuild/no/such/folder</WorkingDir>", "the local executor runs the transform on this machine, which has no folder '/pipebuild/no/such/folder' (WorkingDir, transform.working_dir)", "<Executor>docker</Executor>")]
    public void A_User_or_WorkingDir_the_local_executor_cannot_honour_is_PIPE6003(string properties, string what, string todo)
    {
        ws.Write("where.pipeproj", Pipeproj(properties));

        var error = ws.Run("pipeline", "create", "-f", "where.pipeproj").ShouldFailWith("PIPE6003").Stderr;

        Assert.Contains("where.pipeproj: error PIPE6003: " + what, error);
        Assert.Contains(todo, error);
        ws.Run("file", "list", "where@master").ShouldFailWith("PIPE5004"); // no output commit
    }

    public void Dispose() => ws.Dispose();

    private static string Pipeproj(string properties) => $"""
        <Project Sdk="PipeBuild.Sdk">
          <PropertyGroup>
            {properties}
            <Command>pwd > /pfs/out/pwd</Command>
          </PropertyGroup>
          <ItemGroup>
            <PipeInput Include="data" Glob="/" />
          </ItemGroup>
        </Project>
        """;

    private static string Id(string flag)
    {
        using var id = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("id", flag) { RedirectStandardOutput = true })!;
        var text = id.StandardOutput.ReadToEnd().Trim();
        id.WaitForExit();
        return int.Parse(text, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture);
    }
}
