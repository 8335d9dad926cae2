using System.Text.Json.Nodes;

namespace PipeBuild.Evaluation.Tests;

/// <summary>A cached evaluation is used only while nothing it depends on changed.</summary>
public sealed class EvaluationCacheTests : IDisposable
{
    private readonly TestFiles files = new();
    private readonly Dictionary<string, string> noProperties = [];

    private EvaluationCache Cache => new(Path.Combine(files.Root, "cache"));

    [Fact]
    public void An_unchanged_project_is_served_from_the_cache()
    {
        var path = files.Write("w/p.pipeproj", Project("<Greeting>hi</Greeting><Command>echo $(Greeting)</Command>"));
        Assert.Equal("echo hi", Cache.Evaluate(path, noProperties, "master").Command[^1]);

        // Prove the second answer comes from the entry, not MSBuild: an edited entry is what comes back.
        var entry = Assert.Single(Directory.GetFiles(Cache.Folder));
        var json = JsonNode.Parse(File.ReadAllText(entry))!;
        json["spec"]!["command"]![2] = "from the cache";
        File.WriteAllText(entry, json.ToJsonString());
        Assert.Equal("from the cache", Cache.Evaluate(path, noProperties, "master").Command[^1]);
    }

    [Fact]
    public void A_change_to_the_project_an_import_or_a_new_directory_build_props_evaluates_again()
    {
        var path = files.Write("w/p/p.pipeproj", Project("<Command>echo $(Greeting)</Command>"));
        files.Write("w/p/Directory.Build.props", "<Project><PropertyGroup><Greeting>one</Greeting></PropertyGroup></Project>");
        Assert.Equal("echo one", Cache.Evaluate(path, noProperties, "master").Command[^1]);

        files.Write("w/p/Directory.Build.props", "<Project><PropertyGroup><Greeting>two</Greeting></PropertyGroup></Project>");
        Assert.Equal("echo two", Cache.Evaluate(path, noProperties, "master").Command[^1]);

        File.Delete(Path.Combine(files.Root, "w/p/Directory.Build.props"));
        files.Write("w/Directory.Build.props", "<Project><PropertyGroup><Greeting>three</Greeting></PropertyGroup></Project>");
        Assert.Equal("echo three", Cache.Evaluate(path, noProperties, "master").Command[^1]);

        files.Write("w/p/p.pipeproj", Project("<Command>echo four</Command>"));
        Assert.Equal("echo four", Cache.Evaluate(path, noProperties, "master").Command[^1]);
    }

    [Fact]
    public void Properties_the_environment_and_the_default_branch_are_part_of_the_key()
    {
        var path = files.Write("w/p.pipeproj", Project("<Command>echo $(Greeting)$(PIPEBUILD_CACHE_TEST)</Command>"));
        Assert.Equal("echo a", Cache.Evaluate(path, new Dictionary<string, string> { ["Greeting"] = "a" }, "master").Command[^1]);
        Assert.Equal("echo b", Cache.Evaluate(path, new Dictionary<string, string> { ["Greeting"] = "b" }, "master").Command[^1]);
        try
        {
            Environment.SetEnvironmentVariable("PIPEBUILD_CACHE_TEST", "-env");
            Assert.Equal("echo b-env", Cache.Evaluate(path, new Dictionary<string, string> { ["Greeting"] = "b" }, "master").Command[^1]);
            Assert.Equal("main", Cache.Evaluate(path, new Dictionary<string, string> { ["Greeting"] = "b" }, "main").OutputBranch);
        }
        finally
        {
            Environment.SetEnvironmentVariable("PIPEBUILD_CACHE_TEST", null);
        }
    }

    [Fact]
    public void Environment_variables_the_project_does_not_read_keep_the_entry()
    {
        // A profiler, a benchmark tool or another terminal sets variables of its own between two identical runs.
        var path = files.Write("w/p.pipeproj", Project("<Command>echo $(PIPEBUILD_CACHE_READ)</Command>"));
        Cache.Evaluate(path, noProperties, "master");
        var entry = Assert.Single(Directory.GetFiles(Cache.Folder));
        var json = JsonNode.Parse(File.ReadAllText(entry))!;
        json["spec"]!["command"]![2] = "from the cache";
        File.WriteAllText(entry, json.ToJsonString());
        try
        {
            Environment.SetEnvironmentVariable("PIPEBUILD_CACHE_UNREAD", "1");
            Assert.Equal("from the cache", Cache.Evaluate(path, noProperties, "master").Command[^1]);

            // The name differs in case only: MSBuild's property names ignore case, so the variable is read.
            Environment.SetEnvironmentVariable("pipebuild_cache_read", "x");
            Assert.Equal("echo x", Cache.Evaluate(path, noProperties, "master").Command[^1]);
        }
        finally
        {
            Environment.SetEnvironmentVariable("PIPEBUILD_CACHE_UNREAD", null);
            Environment.SetEnvironmentVariable("pipebuild_cache_read", null);
        }
    }

    [Theory]
    [InlineData("<TransformFile Include=\"*.py\" />", "")]
    [InlineData("", "<Stamp>$([System.DateTime]::Now.Ticks)</Stamp>")]
    public void Wildcards_and_property_functions_are_never_cached(string item, string property)
    {
        var path = files.Write("w/p.pipeproj", $"""
            <Project Sdk="PipeBuild.Sdk">
              <PropertyGroup><Command>echo</Command>{property}</PropertyGroup>
              <ItemGroup><PipeInput Include="in" Glob="/*" />{item}</ItemGroup>
            </Project>
            """);
        Cache.Evaluate(path, noProperties, "master");
        Assert.False(Directory.Exists(Cache.Folder) && Directory.EnumerateFiles(Cache.Folder).Any());
    }

    private static string Project(string properties) => $"""
        <Project Sdk="PipeBuild.Sdk">
          <PropertyGroup>{properties}</PropertyGroup>
          <ItemGroup><PipeInput Include="in" Glob="/*" /></ItemGroup>
        </Project>
        """;

    public void Dispose() => files.Dispose();
}
