namespace PipeBuild.Cli.Tests;

/// <summary>
/// Pachyderm's <c>pfs.empty_files</c> (<c>EmptyFiles="true"</c> on a PipeInput): a shuffle pipeline sees the input's
/// file names with no bytes, and files it links into <c>/pfs/out</c> are stored with their content.
/// </summary>
public sealed class EmptyFilesTests : IDisposable
{
    private readonly TempWorkspace ws = new();

    public EmptyFilesTests()
    {
        ws.Run("repo", "create", "photos").ShouldSucceed();
        ws.Run("file", "put", "photos@master:cat.jpg", "-f", ws.Write("in/cat.jpg", "meow"), "--no-run").ShouldSucceed();
        ws.Run("file", "put", "photos@master:dog.jpg", "-f", ws.Write("in/dog.jpg", "woof woof"), "--no-run").ShouldSucceed();
    }

    [Fact]
    public void A_json_spec_with_empty_files_sees_names_and_links_keep_the_content()
    {
        ws.Write("shuffle.json", """
            {
              "pipeline": { "name": "shuffle" },
              "transform": { "cmd": ["sh", "-c", "for f in /pfs/photos/*; do s=$(wc -c < $f | tr -d ' '); mkdir -p /pfs/out/$s; ln -s $f /pfs/out/$s/; done"] },
              "input": { "pfs": { "repo": "photos", "glob": "/", "empty_files": true } }
            }
            """);

        ws.Run("pipeline", "create", "-f", "shuffle.json").ShouldSucceed();

        AssertShuffled();
    }

    [Fact]
    public void A_pipeproj_with_EmptyFiles_sees_names_and_links_keep_the_content()
    {
        ws.Write("shuffle.pipeproj", """
            <Project Sdk="PipeBuild.Sdk">
              <PropertyGroup>
                <Command>for f in /pfs/photos/*; do s=`wc -c &lt; $f | tr -d ' '`; mkdir -p /pfs/out/$s; ln -s $f /pfs/out/$s/; done</Command>
              </PropertyGroup>
              <ItemGroup>
                <PipeInput Include="photos" Glob="/" EmptyFiles="true" />
              </ItemGroup>
            </Project>
            """);

        ws.Run("run").ShouldSucceed();

        AssertShuffled();
    }

    private void AssertShuffled()
    {
        // Every file was seen with 0 bytes (so all went under 0/), and each link stored the photo itself.
        Assert.Equal(["0/cat.jpg", "0/dog.jpg"], JsonOutput.Column(ws.Run("file", "list", "shuffle@master:0", "--output", "json"), "path").Select(p => p.TrimStart('/')).Order(StringComparer.Ordinal));
        Assert.Equal("meow", ws.Run("file", "get", "shuffle@master:0/cat.jpg").ShouldSucceed().Stdout);
        Assert.Equal("woof woof", ws.Run("file", "get", "shuffle@master:0/dog.jpg").ShouldSucceed().Stdout);
        var job = JsonOutput.Parse(ws.Run("job", "list", "--output", "json")).EnumerateArray().Single();
        Assert.Equal("success", job.GetProperty("state").GetString());
        Assert.Equal(0, job.GetProperty("bytesDownloaded").GetInt64());
    }

    public void Dispose() => ws.Dispose();
}
