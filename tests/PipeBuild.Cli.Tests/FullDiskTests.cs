using System.Security.Cryptography;
using CliWrap;
using CliWrap.Buffered;

namespace PipeBuild.Cli.Tests;

/// <summary>
/// A store whose disk fills up during a put: a PIPE error that says so (it said "cannot read SOURCE"), no partial
/// file left behind, the branch where it was. The full disk is a 1 MiB tmpfs mounted over the store's objects in a
/// mount namespace of the command's own (<c>unshare</c>), so nothing outside the test sees it.
/// </summary>
public sealed class FullDiskTests : IDisposable
{
    private readonly TempWorkspace ws = new();

    [SkippableFact]
    public async Task A_put_into_a_full_store_fails_with_PIPE5022_and_leaves_no_partial_file()
    {
        RequireMountNamespaces();
        ws.Run("repo", "create", "data").ShouldSucceed();
        ws.Run("file", "put", "data@master:small.txt", "-f", ws.Write("small.txt", "small")).ShouldSucceed();
        var before = ws.StoreFingerprint();
        var big = Path.Combine(ws.Root, "big.bin");
        await File.WriteAllBytesAsync(big, RandomNumberGenerator.GetBytes(4 * 1024 * 1024));

        const string Script = """
            mount -t tmpfs -o size=1m none "$1" || exit 99
            shift
            "$@"
            code=$?
            echo "partial files: $(find "$0" -name '*.tmp-*' | wc -l)"
            exit $code
            """;
        var objects = Path.Combine(ws.Root, ".pipe", "objects");
        var put = await ws.Command([])
            .WithTargetFile("unshare")
            .WithArguments(["--mount", "--map-root-user", "sh", "-c", Script, objects, objects, "dotnet", PipeCli.ToolPath, "file", "put", "data@master:big.bin", "-f", big])
            .ExecuteBufferedAsync();

        Assert.Equal(1, put.ExitCode);
        Assert.Contains("error PIPE5022: no space left for the store", put.StandardError);
        Assert.DoesNotContain("cannot read", put.StandardError);
        Assert.Contains("partial files: 0", put.StandardOutput);
        Assert.Equal(before, ws.StoreFingerprint());
        Assert.Equal(["/small.txt"], JsonOutput.Column(ws.Run("file", "list", "data@master", "--output", "json"), "path"));
    }

    public void Dispose() => ws.Dispose();

    private static void RequireMountNamespaces()
    {
        string? missing;
        try
        {
            var probe = CliWrap.Cli.Wrap("unshare").WithArguments(["--mount", "--map-root-user", "true"]).WithValidation(CommandResultValidation.None).ExecuteBufferedAsync().GetAwaiter().GetResult();
            missing = probe.ExitCode == 0 ? null : $"unshare --mount --map-root-user failed: {probe.StandardError.Trim()}";
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            missing = $"unshare cannot start ({e.Message})";
        }

        RequiredComponent.Require("mount namespaces (util-linux unshare, user namespaces or root)", missing, "Run the tests on Linux as root or with unprivileged user namespaces enabled.");
    }
}
