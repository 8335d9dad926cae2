using System.Text.Json;
using CliWrap;

namespace PipeBuild.Examples.Tests;

/// <summary>
/// One example's <c>run.sh</c>, run with the built tool in a fresh folder, and <c>dotnet pipe</c> in the
/// workspace it leaves, to check what a user would check afterwards. The script runs from the example's
/// <c>dotnet new pipe-NAME</c> template instantiated from the built pack, so each test covers the template too.
/// </summary>
public sealed class ExampleScript : IDisposable
{
    private readonly string name;

    public ExampleScript(string name)
    {
        this.name = name;
        Work = Directory.CreateTempSubdirectory($"pipe-example-{name}-").FullName;
    }

    public static string RepoRoot => RepositoryPaths.Root;

    /// <summary>The example as <c>dotnet new pipe-NAME</c> made it (set by <see cref="RunAsync"/>).</summary>
    public string Folder { get; private set; } = "";

    /// <summary>The workspace the script made.</summary>
    public string Work { get; }

    /// <summary>Everything the last script printed, stdout and stderr interleaved as they came.</summary>
    public string Output { get; private set; } = "";

    /// <summary>
    /// Runs one of the example's scripts (<c>run.sh</c>, or e.g. <c>ci/deploy.sh</c> afterwards in the same workspace)
    /// with the built tool as <c>PIPE</c>, <see cref="Work"/> as <c>WORKDIR</c>, and <paramref name="environment"/>.
    /// </summary>
    public async Task RunAsync(string script = "run.sh", IReadOnlyDictionary<string, string?>? environment = null)
    {
        Folder = await (await TemplatePack.Shared).InstantiateAsync($"pipe-{name}");
        Assert.Equal(
            FilesBelow(RepositoryPaths.Combine("examples", name)),
            FilesBelow(Folder)); // the template holds the example, file for file
        var output = new System.Text.StringBuilder();
        var result = await CliWrap.Cli.Wrap("bash")
            .WithArguments([Path.Combine(Folder, script)])
            .WithEnvironmentVariables(e =>
            {
                e.Set("PIPE", $"dotnet {PipeCli.ToolPath}").Set("WORKDIR", Work).Set("PIPE_WORKSPACE", null).Set("DOTNET_NOLOGO", "1");
                foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
                {
                    e.Set(name, value);
                }
            })
            .WithStandardOutputPipe(PipeTarget.ToStringBuilder(output))
            .WithStandardErrorPipe(PipeTarget.ToStringBuilder(output))
            .WithValidation(CommandResultValidation.None)
            .ExecuteAsync();
        Output = output.ToString();
        Assert.True(result.ExitCode == 0, $"{script} exited with {result.ExitCode}:\n{Output}");
    }

    /// <summary><c>dotnet pipe ARGS</c> in the workspace the script made.</summary>
    public PipeResult Pipe(params string[] args) => new PipeCli(Work).Run(args);

    public JsonElement Json(params string[] args) => JsonOutput.Parse(Pipe([.. args, "--output", "json"]));

    /// <summary>A pipeline's jobs, oldest first, as (datums ran, datums reused, datums total).</summary>
    public (int Ran, int Reused, int Total)[] Jobs(string pipeline) =>
        [.. JobList(pipeline).Select(j => (j.GetProperty("datumsProcessed").GetInt32(), j.GetProperty("datumsSkipped").GetInt32(), j.GetProperty("datumsTotal").GetInt32()))];

    /// <summary>A pipeline's jobs, oldest first.</summary>
    public JsonElement[] JobList(string pipeline) =>
        [.. Json("job", "list", "--pipeline", pipeline).EnumerateArray().Reverse()];

    public string Get(string reference) => Pipe("file", "get", reference).ShouldSucceed().Stdout;

    /// <summary>A file's bytes (<c>file get -o</c>), for binary outputs such as pickled models.</summary>
    public byte[] GetBytes(string reference)
    {
        var target = Path.GetTempFileName();
        try
        {
            Pipe("file", "get", reference, "-o", target).ShouldSucceed();
            return File.ReadAllBytes(target);
        }
        finally
        {
            File.Delete(target);
        }
    }

    public string[] Files(string reference) => JsonOutput.Column(Pipe("file", "list", reference, "--output", "json"), "path");

    public string CommitId(string reference) => Json("commit", "inspect", reference).GetProperty("id").GetString()!;

    /// <summary>The provenance of a commit as "repo@commit" strings.</summary>
    public string[] Provenance(string reference) =>
        [.. Json("commit", "inspect", reference).GetProperty("provenance").EnumerateArray()
            .Select(p => $"{p.GetProperty("repo").GetString()}@{p.GetProperty("commit").GetString()}").Order(StringComparer.Ordinal)];

    public void Dispose()
    {
        foreach (var folder in new[] { Work, Folder }.Where(f => f.Length > 0))
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static string[] FilesBelow(string folder) =>
        [.. Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(folder, f)).Order(StringComparer.Ordinal)];
}
