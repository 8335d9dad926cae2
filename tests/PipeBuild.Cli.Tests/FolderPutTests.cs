namespace PipeBuild.Cli.Tests;

/// <summary>A folder put of the workspace itself stores its files, not the store: <c>.pipe</c> is left out, as git leaves out <c>.git</c>.</summary>
public sealed class FolderPutTests : IDisposable
{
    private readonly TempWorkspace ws = new();

    [Fact]
    public void A_put_of_the_workspace_folder_leaves_out_its_store()
    {
        ws.Write("a.csv", "a\n");
        ws.Write("sub/b.csv", "b\n");
        ws.Run("repo", "create", "data").ShouldSucceed();

        ws.Run("file", "put", "data@master", "-r", "-f", ws.Root).ShouldSucceed();

        Assert.Equal(["/a.csv", "/sub/", "/sub/b.csv"], JsonOutput.Column(ws.Run("file", "glob", "data@master:**", "--output", "json"), "path"));
    }

    public void Dispose() => ws.Dispose();
}
