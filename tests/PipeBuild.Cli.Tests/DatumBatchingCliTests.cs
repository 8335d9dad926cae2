namespace PipeBuild.Cli.Tests;

/// <summary>DatumBatching through the CLI: a transform looping on <c>dotnet pipe next-datum</c>, and the errors.</summary>
public sealed class DatumBatchingCliTests : IDisposable
{
    private readonly TempWorkspace ws = new();

    [Fact]
    public void A_transform_looping_on_next_datum_runs_every_datum_in_one_process()
    {
        ws.Run("repo", "create", "words").ShouldSucceed();
        ws.Write("in/a.txt", "alpha\n");
        ws.Write("in/b.txt", "beta\n");
        ws.Write("in/c.txt", "boom");
        ws.Run("file", "put", "words@master", "-r", "-f", Path.Combine(ws.Root, "in"), "--no-run").ShouldSucceed();
        // next-datum acknowledges the previous datum with --status, then prints the next line (id TAB words=PATH).
        ws.Write("upper.pipeproj", $$"""
            <Project Sdk="PipeBuild.Sdk">
              <PropertyGroup>
                <Command>
                  status=0
                  while line=`dotnet {{PipeCli.ToolPath}} next-datum --status $status`; do
                    path=`echo "$line" | cut -f2 | cut -d= -f2-`
                    if grep -q boom "$path"; then echo "no boom please" &gt;&amp;2; status=4; continue; fi
                    tr a-z A-Z &lt; "$path" &gt; /pfs/out/`basename "$path"`; echo "$$" &gt;&gt; /pfs/out/`basename "$path"`
                    status=$?
                  done
                </Command>
                <DatumBatching>true</DatumBatching>
                <DatumTries>1</DatumTries>
                <Parallelism>1</Parallelism>
              </PropertyGroup>
              <ItemGroup>
                <PipeInput Include="words" Glob="/*" />
              </ItemGroup>
            </Project>
            """);

        var created = ws.Run("pipeline", "create", "-f", "upper.pipeproj", "--output", "json");

        Assert.Equal(2, created.ExitCode); // a failed job
        var job = System.Text.Json.JsonDocument.Parse(created.Stdout).RootElement[0];
        Assert.Equal(("failure", 2, 1), (job.GetProperty("state").GetString(), job.GetProperty("datumsProcessed").GetInt32(), job.GetProperty("datumsFailed").GetInt32()));
        var logs = ws.Run("job", "logs", job.GetProperty("id").GetString()!).ShouldSucceed().Stdout;
        Assert.Contains("no boom please", logs, StringComparison.Ordinal);

        // Without the bad word the job succeeds, reusing both earlier results; one process served a and b.
        ws.Run("file", "put", "words@master:c.txt", "-f", ws.Write("in/c2.txt", "gamma")).ShouldSucceed();
        var a = ws.Run("file", "get", "upper@master:a.txt").ShouldSucceed().Stdout.Split('\n');
        var b = ws.Run("file", "get", "upper@master:b.txt").ShouldSucceed().Stdout.Split('\n');
        Assert.Equal(("ALPHA", "BETA"), (a[0], b[0]));
        Assert.Equal(a[1], b[1]);
        Assert.StartsWith("GAMMA", ws.Run("file", "get", "upper@master:c.txt").ShouldSucceed().Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Next_datum_outside_a_batched_transform_and_batching_on_docker_are_refused()
    {
        Assert.Contains("PIPE_DATUM_ACK is not set", ws.Run("next-datum").ShouldFailWith("PIPE4302").Stderr, StringComparison.Ordinal);

        ws.Run("repo", "create", "words").ShouldSucceed();
        ws.Run("file", "put", "words@master:a.txt", "-f", ws.Write("in/a.txt", "alpha"), "--no-run").ShouldSucceed();
        ws.Write("boxed.pipeproj", """
            <Project Sdk="PipeBuild.Sdk">
              <PropertyGroup>
                <Command>cat</Command>
                <Image>busybox</Image>
                <Executor>docker</Executor>
                <DatumBatching>true</DatumBatching>
              </PropertyGroup>
              <ItemGroup>
                <PipeInput Include="words" Glob="/*" />
              </ItemGroup>
            </Project>
            """);

        var refused = ws.Run("pipeline", "create", "-f", "boxed.pipeproj").ShouldFailWith("PIPE4300");

        Assert.Contains("DatumBatching works with the local executor only", refused.Stderr, StringComparison.Ordinal);
    }

    public void Dispose() => ws.Dispose();
}
