using System.Text.Json;
using System.Text.Json.Nodes;

namespace PipeBuild.Examples.Tests;

/// <summary>
/// Every Pachyderm JSON spec under examples/ sits beside a .pipeproj of the same pipeline name: converting the
/// spec must give a pipeline that evaluates to the same definition.
/// </summary>
public sealed class PipelineSpecConversionTests : IDisposable
{
    private readonly TempWorkspace ws = new(init: false);

    public static TheoryData<string> Specs() => [.. SpecPaths()];

    [Fact]
    public void Every_example_with_pipelines_has_specs()
    {
        var examples = SpecPaths().Select(path => path.Split(Path.DirectorySeparatorChar)[1]).ToHashSet();
        Assert.Superset(new HashSet<string> { "diabetes", "housing", "hyperparameter", "iris", "linear-regression-csharp" }, examples);
    }

    private static string[] SpecPaths() =>
        [.. Directory.EnumerateFiles(Path.Combine(ExampleScript.RepoRoot, "examples"), "*.json", SearchOption.AllDirectories)
            .Where(f => Path.GetFileName(Path.GetDirectoryName(f)) == "pipelines")
            .Select(f => Path.GetRelativePath(ExampleScript.RepoRoot, f))
            .Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(Specs))]
    public void Convert_gives_the_pipeproj_beside_the_spec(string spec)
    {
        // A copy of the spec's folder, so that the converted file sits beside the .pipeproj (relative paths resolve
        // alike) without writing into examples/, which the template pack tests pack at the same time.
        var source = Path.GetDirectoryName(Path.Combine(ExampleScript.RepoRoot, spec))!;
        var folder = Path.Combine(ws.Root, "pipelines");
        Directory.CreateDirectory(folder);
        foreach (var file in Directory.EnumerateFiles(source))
        {
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        }

        var path = Path.Combine(folder, Path.GetFileName(spec));
        var name = JsonNode.Parse(File.ReadAllText(path))!["pipeline"]!["name"]!.GetValue<string>();
        var pipeproj = Path.Combine(folder, name + ".pipeproj");
        Assert.True(File.Exists(pipeproj), $"{spec}: no {name}.pipeproj beside it");

        var converted = Path.Combine(folder, $"{name}.converted.pipeproj");
        ws.Run("pipeline", "convert", path, "--out", converted).ShouldSucceed();
        Assert.Equal(Evaluate(pipeproj).ToJsonString(), Evaluate(converted).ToJsonString());
    }

    public void Dispose() => ws.Dispose();

    /// <summary>The evaluated definition, less where it came from and the code files only a .pipeproj can name.</summary>
    private JsonObject Evaluate(string file)
    {
        var spec = JsonNode.Parse(ws.Run("pipeline", "inspect", "-f", file, "--output", "json").ShouldSucceed().Stdout)!.AsObject();
        foreach (var origin in new[] { "sourceFile", "inputSources", "transformFiles" })
        {
            spec.Remove(origin);
        }

        return spec;
    }
}
