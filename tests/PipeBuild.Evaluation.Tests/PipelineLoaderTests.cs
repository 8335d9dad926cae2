using PipeBuild.Core;

namespace PipeBuild.Evaluation.Tests;

public sealed class PipelineLoaderTests : IDisposable
{
    private readonly TestFiles files = new();

    [Fact]
    public void Json_spec_gets_its_source_file_and_folder()
    {
        var path = files.Write("specs/split.json", File.ReadAllText(TestFiles.Seed("000-housing-prices-intermediate/split.json")));

        var spec = PipelineLoader.Load(path);

        Assert.Equal("split", spec.Name);
        Assert.Equal(path, spec.SourceFile);
        Assert.Equal(Path.Combine(files.Root, "specs"), spec.WorkingDirectory);
    }

    [Fact]
    public void Pipeproj_gets_its_source_file_and_folder_from_a_relative_path()
    {
        var path = files.Write("pipes/edges.PIPEPROJ", """
            <Project Sdk="PipeBuild.Sdk">
              <PropertyGroup><Command>run</Command></PropertyGroup>
              <ItemGroup><PipeInput Include="images" Glob="/*" /></ItemGroup>
            </Project>
            """);

        var spec = PipelineLoader.Load(Path.GetRelativePath(Environment.CurrentDirectory, path));

        Assert.Equal("edges", spec.Name);
        Assert.Equal(path, spec.SourceFile);
        Assert.Equal(Path.Combine(files.Root, "pipes"), spec.WorkingDirectory);
    }

    [Fact]
    public void Inputs_without_a_branch_and_the_output_take_the_default_branch_given()
    {
        var project = files.Write("pipes/both.pipeproj", """
            <Project Sdk="PipeBuild.Sdk">
              <PropertyGroup><Command>run</Command></PropertyGroup>
              <ItemGroup><PipeInput Include="a" Glob="/*" /><PipeInput Include="b" Glob="/" Branch="master" /></ItemGroup>
            </Project>
            """);
        var expression = files.Write("pipes/expr.pipeproj", """
            <Project Sdk="PipeBuild.Sdk">
              <PropertyGroup><Command>run</Command><InputExpression>cross(a:/*, b@master:/)</InputExpression></PropertyGroup>
            </Project>
            """);
        var json = files.Write("pipes/spec.json", """
            { "pipeline": { "name": "spec" }, "transform": { "cmd": ["run"] },
              "input": { "cross": [ { "pfs": { "repo": "a", "glob": "/*" } }, { "pfs": { "repo": "b", "glob": "/", "branch": "master" } } ] } }
            """);

        foreach (var path in new[] { project, expression, json })
        {
            var spec = PipelineLoader.Load(path, new Dictionary<string, string>(), "main");
            Assert.Equal("main", spec.OutputBranch);
            Assert.Equal(["a@main", "b@master"], Branches(spec));

            // written back, only the branch that differs from the default is named
            var converted = files.Write($"out/{spec.Name}.pipeproj", PipeprojWriter.Write(spec, defaultBranch: "main"));
            Assert.Equal(["a@main", "b@master"], Branches(PipelineLoader.Load(converted, new Dictionary<string, string>(), "main")));
            Assert.Equal(CommitRef.DefaultBranch, PipelineLoader.Load(path).OutputBranch);
        }
    }

    [Fact]
    public void LoadAll_reads_every_spec_of_a_file_and_Load_refuses_several()
    {
        var path = TestFiles.Seed("003-go-regression/pipeline.json");

        var all = PipelineLoader.LoadAll(path);
        var e = Assert.Throws<PipeException>(() => PipelineLoader.Load(path));

        Assert.Equal(2, all.Count);
        Assert.All(all, s => Assert.Equal(path, s.SourceFile));
        Assert.Equal(ErrorCodes.InvalidPipelineValue, e.Code);
        Assert.Contains("the file holds 2 pipeline specs, not one.", e.Message);
    }

    [Fact]
    public void Other_extensions_are_PIPE2006()
    {
        var e = Assert.Throws<PipeException>(() => PipelineLoader.Load(files.Write("p.yaml", "pipeline: {}")));

        Assert.Equal(ErrorCodes.UnsupportedPipelineFile, e.Code);
        Assert.Contains("'.yaml' is not a pipeline file type.", e.Message);
    }

    [Fact]
    public void Missing_files_are_PIPE2007()
    {
        var missing = Path.Combine(files.Root, "nope.pipeproj");

        var e = Assert.Throws<PipeException>(() => PipelineLoader.Load(missing));

        Assert.Equal(ErrorCodes.PipelineFileNotFound, e.Code);
        Assert.Equal($"pipeline file '{missing}' not found. Check the path.", e.Message);
    }

    private static IEnumerable<string> Branches(Core.Pipelines.PipelineSpec spec) => spec.Input.Leaves().Select(l => $"{l.Repo}@{l.Branch}");

    public void Dispose() => files.Dispose();
}
