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
        Assert.Superset(new HashSet<string> { "linear-regression-csharp" }, examples);
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
        var path = Path.Combine(ExampleScript.RepoRoot, spec);
        var folder = Path.GetDirectoryName(path)!;
        var name = JsonNode.Parse(File.ReadAllText(path))!["pipeline"]!["name"]!.GetValue<string>();
        var pipeproj = Path.Combine(folder, name + ".pipeproj");
        Assert.True(File.Exists(pipeproj), $"{spec}: no {name}.pipeproj beside it");

        // convert into the same folder under another name, so relative paths resolve alike
        var converted = Path.Combine(folder, $".{name}.converted-{Guid.NewGuid():N}.pipeproj");
        try
        {
            ws.Run("pipeline", "convert", path, "--out", converted).ShouldSucceed();
            Assert.Equal(Evaluate(pipeproj).ToJsonString(), Evaluate(converted).ToJsonString());
        }
        finally
        {
            File.Delete(converted);
        }
    }

    public void Dispose() => ws.Dispose();

    /// <summary>The evaluated definition, less where it came from and the code files only a .pipeproj can name.</summary>
    private JsonObject Evaluate(string file)
    {
        var spec = JsonNode.Parse(ws.Run("pipeline", "inspect", "-f", file, "--output", "json").ShouldSucceed().Stdout)!.AsObject();
        foreach (var origin in new[] { "sourceFile", "transformFiles" })
        {
            spec.Remove(origin);
        }

        return spec;
    }
}
