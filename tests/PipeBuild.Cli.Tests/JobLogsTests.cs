using System.Security.Cryptography;
using System.Text;

namespace PipeBuild.Cli.Tests;

/// <summary><c>job logs</c> prints what the transform wrote, however much, and gc keeps it.</summary>
public sealed class JobLogsTests : IDisposable
{
    private readonly TempWorkspace ws = new();

    [Fact]
    public void A_log_larger_than_a_chunk_is_printed_byte_for_byte_after_gc()
    {
        // Whole lines (the log holds the transform's output lines), over the 256 KiB a stored file holds before it
        // would be cut into chunks.
        const int Size = 17 * 88_236;
        ws.Run("repo", "create", "data").ShouldSucceed();
        ws.Run("file", "put", "data@master:a.txt", "-f", ws.Write("in/a.txt", "a")).ShouldSucceed();
        ws.Write("loud.pipeproj", $$"""
            <Project Sdk="PipeBuild.Sdk">
              <PropertyGroup>
                <Command>yes 0123456789abcdef 2>/dev/null | head -c {{Size}}; touch /pfs/out/done</Command>
              </PropertyGroup>
              <ItemGroup>
                <PipeInput Include="data" Glob="/*" />
              </ItemGroup>
            </Project>
            """);
        ws.Run("pipeline", "create", "-f", "loud.pipeproj").ShouldSucceed();
        ws.Run("gc", "--grace", "0").ShouldSucceed();

        var job = Assert.Single(JsonOutput.Column(ws.Run("job", "list", "--output", "json"), "id"));
        var printed = ws.Run("job", "logs", job).ShouldSucceed().Stdout;
        const string Header = "--- try 1 of 3: success ---\n"; // the log of each try starts with its number and outcome
        var log = printed[(printed.IndexOf(Header, StringComparison.Ordinal) + Header.Length)..];
        var expected = string.Concat(Enumerable.Repeat("0123456789abcdef\n", Size / 17));
        Assert.Equal(Size, log.Length);
        Assert.Equal(SHA256.HashData(Encoding.UTF8.GetBytes(expected)), SHA256.HashData(Encoding.UTF8.GetBytes(log)));
        ws.Run("fsck").ShouldSucceed();
    }

    public void Dispose() => ws.Dispose();
}
