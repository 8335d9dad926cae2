using System.Text.Json;

namespace PipeBuild.Tasks.Tests;

/// <summary>
/// <c>&lt;TransformPackage&gt;</c>: a .NET tool package packed here from a tiny console app, served from a folder
/// feed, resolved into the NuGet packages folder and run by the pipeline; a new version reruns every datum.
/// </summary>
public sealed class TransformPackageTests(SdkFeed sdk) : IClassFixture<SdkFeed>, IDisposable
{
    private const string Pipeline = """
        <Project Sdk="PipeBuild.Sdk">
          <PropertyGroup>
            <!-- shout is the package's command, on PATH; PIPE_TOOL_SHOUT names its entry point. -->
            <Command>shout "$data" /pfs/out/`basename "$data"` &amp;&amp; test -f "$PIPE_TOOL_SHOUT"</Command>
          </PropertyGroup>
          <ItemGroup>
            <PipeInput Include="data" Glob="/*" />
            <TransformPackage Include="Pipe.Shout" Version="VERSION" />
          </ItemGroup>
        </Project>
        """;

    private readonly TempWorkspace ws = new();
    private readonly string tools = Directory.CreateTempSubdirectory("pipe-tool-feed-").FullName;

    [Fact]
    public void The_pipeline_runs_the_tool_from_the_feed_and_a_new_version_reprocesses()
    {
        Pack("1.0.0", "v1");
        File.WriteAllText(Path.Combine(ws.Root, "nuget.config"), sdk.NugetConfig(Path.Combine(tools, "feed")));
        File.WriteAllText(Path.Combine(ws.Root, "global.json"), $$"""{ "msbuild-sdks": { "PipeBuild.Sdk": "{{SdkFeed.Version}}" } }""");
        ws.Run("repo", "create", "data").ShouldSucceed();
        ws.Run("file", "put", "data@master:a.txt", "-f", ws.Write("in/a.txt", "hello")).ShouldSucceed();
        ws.Run("file", "put", "data@master:b.txt", "-f", ws.Write("in/b.txt", "world")).ShouldSucceed();
        ws.Write("shout.pipeproj", Pipeline.Replace("VERSION", "1.0.0", StringComparison.Ordinal));

        var first = Build().ShouldSucceed();
        Assert.Single(first.Lines("PipeRun: job"), l => l.Contains("shout: success, 2 datum(s) ran", StringComparison.Ordinal));
        Assert.Equal("v1:HELLO", Get("a.txt"));
        Assert.True(File.Exists(Path.Combine(sdk.Packages, "pipe.shout", "1.0.0", "pipe.shout.1.0.0.nupkg")), "the package is cached in the NuGet global packages folder");
        var package = JsonOutput.Parse(ws.Run("pipeline", "inspect", "shout", "--output", "json")).GetProperty("spec").GetProperty("transformPackages")[0];
        Assert.Equal("1.0.0", package.GetProperty("version").GetString());
        Assert.False(string.IsNullOrEmpty(package.GetProperty("contentHash").GetString()));

        Assert.Single(Build().ShouldSucceed().Lines("PipeRun: everything is up to date"));

        Pack("2.0.0", "v2");
        ws.Write("shout.pipeproj", Pipeline.Replace("VERSION", "2.0.0", StringComparison.Ordinal));
        var upgraded = Build().ShouldSucceed();
        Assert.Single(upgraded.Lines("PipeRun: job"), l => l.Contains("shout: success, 2 datum(s) ran, 0 reused", StringComparison.Ordinal));
        Assert.Equal("v2:HELLO", Get("a.txt"));
        Assert.Equal("v2:WORLD", Get("b.txt"));
    }

    [Fact]
    public void A_missing_package_version_is_PIPE3010_on_the_pipeline_file()
    {
        Directory.CreateDirectory(Path.Combine(tools, "feed"));
        File.WriteAllText(Path.Combine(ws.Root, "nuget.config"), sdk.NugetConfig(Path.Combine(tools, "feed")));
        File.WriteAllText(Path.Combine(ws.Root, "global.json"), $$"""{ "msbuild-sdks": { "PipeBuild.Sdk": "{{SdkFeed.Version}}" } }""");
        ws.Run("repo", "create", "data").ShouldSucceed();
        ws.Write("shout.pipeproj", Pipeline.Replace("VERSION", "9.9.9", StringComparison.Ordinal));

        var result = Build().ShouldFail();
        Assert.Contains($"{Path.Combine(ws.Root, "shout.pipeproj")} : error PIPE3010: TransformPackage 'Pipe.Shout' 9.9.9 was not found in", result.Output, StringComparison.Ordinal);
        Assert.Empty(JsonOutput.Column(ws.Run("pipeline", "list", "--output", "json"), "name"));
    }

    public void Dispose()
    {
        ws.Dispose();
        Directory.Delete(tools, recursive: true);
    }

    /// <summary>Packs the tool (command <c>shout</c>) as version <paramref name="version"/>; it prefixes its output with <paramref name="tag"/>.</summary>
    private void Pack(string version, string tag)
    {
        var source = Directory.CreateDirectory(Path.Combine(tools, "src")).FullName;
        File.WriteAllText(Path.Combine(source, "nuget.config"), """<configuration><packageSources><clear /></packageSources></configuration>""");
        File.WriteAllText(Path.Combine(source, "Shout.csproj"), """
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <PackAsTool>true</PackAsTool>
                <ToolCommandName>shout</ToolCommandName>
                <PackageId>Pipe.Shout</PackageId>
              </PropertyGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(source, "Program.cs"), $$"""System.IO.File.WriteAllText(args[1], "{{tag}}:" + System.IO.File.ReadAllText(args[0]).ToUpperInvariant());""");
        sdk.Dotnet(source, ["pack", "-c", "Release", "-o", Path.Combine(tools, "feed"), $"-p:Version={version}", "-nologo", "-nodeReuse:false"]).ShouldSucceed();
    }

    private BuildResult Build() => sdk.Dotnet(ws.Root, ["build", "shout.pipeproj", "-nodeReuse:false", "-nologo"]);

    private string Get(string path) => ws.Run("file", "get", $"shout@master:{path}").ShouldSucceed().Stdout;
}
