namespace PipeBuild.Cli.Tests;

/// <summary><c>dotnet pipe datum inspect</c> (pachctl inspect datum): one datum's state, input files, tries, time and output.</summary>
public sealed class DatumInspectTests : IDisposable
{
    private readonly TempWorkspace ws = new();

    [Fact]
    public void Inspect_shows_a_datums_input_files_tries_and_bytes_written()
    {
        // pachctl inspect datum <pipeline>@<job> <datum>: the datum's state, the files it read (path, hash, size) and its stats.
        ws.Run("repo", "create", "data").ShouldSucceed();
        ws.Run("file", "put", "data@master:/", "-f", ws.Write("in/a.txt", "alpha"), "-f", ws.Write("in/b.txt", "bravo!")).ShouldSucceed();
        ws.Write("p.json", """{"pipeline": {"name": "twice"}, "datum_tries": 2, "transform": {"cmd": ["sh", "-c", "for f in /pfs/data/*; do cat $f $f > /pfs/out/$(basename $f); done"]}, "input": {"pfs": {"repo": "data", "glob": "/*"}}}""");
        ws.Run("pipeline", "create", "-f", "p.json").ShouldSucceed();
        var job = JsonOutput.Column(ws.Run("job", "list", "--output", "json"), "id")[0];
        var datum = JsonOutput.Parse(ws.Run("datum", "list", job, "--output", "json")).EnumerateArray()
            .Single(d => d.GetProperty("description").GetString() == "data:/b.txt").GetProperty("id").GetString()!;
        var fileB = JsonOutput.Parse(ws.Run("file", "list", "data@master:/b.txt", "--output", "json"))[0];
        var commit = JsonOutput.Column(ws.Run("commit", "list", "data@master", "--output", "json"), "id")[0];

        var details = JsonOutput.Parse(ws.Run("datum", "inspect", $"twice@{job}", datum[..10], "--output", "json"));

        Assert.Equal(datum, details.GetProperty("id").GetString());
        Assert.Equal(job, details.GetProperty("job").GetString());
        Assert.Equal("success", details.GetProperty("state").GetString());
        Assert.Equal(1, details.GetProperty("tries").GetInt32());
        Assert.Equal(12, details.GetProperty("bytesWritten").GetInt64()); // "bravo!" twice
        Assert.Equal(1, details.GetProperty("outputFiles").GetInt32());
        Assert.True(details.GetProperty("seconds").GetDouble() >= 0);
        var file = Assert.Single(details.GetProperty("files").EnumerateArray());
        Assert.Equal("data", file.GetProperty("repo").GetString());
        Assert.Equal(commit, file.GetProperty("commit").GetString());
        Assert.Equal("b.txt", file.GetProperty("path").GetString());
        Assert.Equal(fileB.GetProperty("hash").GetString(), file.GetProperty("hash").GetString());
        Assert.Equal(6, file.GetProperty("size").GetInt64());

        var table = ws.Run("datum", "inspect", job, datum).ShouldSucceed().Stdout;
        Assert.Contains($"data@{commit[..12]}:/b.txt", table);
        Assert.Contains("12 B in 1 file(s)", table);
        Assert.Equal(table, ws.Run("inspect", "datum", job, datum).ShouldSucceed().Stdout); // pachctl's verb-noun order

        // A second job reuses the datum: no try in that job.
        ws.Run("run", "--force").ShouldSucceed();
        var second = JsonOutput.Column(ws.Run("job", "list", "--output", "json"), "id")[0];
        var reused = JsonOutput.Parse(ws.Run("datum", "inspect", second, datum, "--output", "json"));
        Assert.Equal("skipped", reused.GetProperty("state").GetString());
        Assert.Equal(0, reused.GetProperty("tries").GetInt32());
    }

    [Fact]
    public void A_failed_datum_shows_its_tries_and_reason_and_unknown_jobs_or_datums_are_errors_that_change_nothing()
    {
        // pachctl inspect datum of a failed datum: its state and why.
        ws.Run("repo", "create", "data").ShouldSucceed();
        ws.Run("file", "put", "data@master:a.txt", "-f", ws.Write("a.txt", "a")).ShouldSucceed();
        ws.Write("fail.json", """{"pipeline": {"name": "fail"}, "datum_tries": 2, "transform": {"cmd": ["sh", "-c", "echo trying; exit 3"]}, "input": {"pfs": {"repo": "data", "glob": "/*"}}}""");
        ws.Run("pipeline", "create", "-f", "fail.json");
        var job = JsonOutput.Column(ws.Run("job", "list", "--output", "json"), "id")[0];
        var datum = JsonOutput.Column(ws.Run("datum", "list", job, "--output", "json"), "id")[0];
        var before = ws.StoreFingerprint();

        var details = JsonOutput.Parse(ws.Run("datum", "inspect", job, datum, "--output", "json"));
        Assert.Equal("failed", details.GetProperty("state").GetString());
        Assert.Equal(2, details.GetProperty("tries").GetInt32());
        Assert.Contains("3", details.GetProperty("reason").GetString());
        Assert.Equal(0, details.GetProperty("bytesWritten").GetInt64());

        Assert.Contains("job 'ffff0000' not found", ws.Run("datum", "inspect", "ffff0000", datum).ShouldFailWith("PIPE4006").Stderr);
        Assert.Contains($"job {job} has no datum 'ffff0000'", ws.Run("datum", "inspect", job, "ffff0000").ShouldFailWith("PIPE4009").Stderr);
        Assert.Contains("not of 'other'", ws.Run("datum", "inspect", $"other@{job}", datum).ShouldFailWith("PIPE4006").Stderr);
        ws.Run("datum", "inspect", job).ShouldFailWith("PIPE1001");
        Assert.Equal(before, ws.StoreFingerprint());
    }

    public void Dispose() => ws.Dispose();
}
