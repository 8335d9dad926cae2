using System.Security.Cryptography;
using CliWrap;

namespace PipeBuild.Testing;

/// <summary>A fresh workspace in a temp folder, and a way to run the built <c>dotnet pipe</c> in it.</summary>
public sealed class TempWorkspace : IDisposable
{
    private readonly PipeCli cli;

    public TempWorkspace(bool init = true)
    {
        Root = Directory.CreateTempSubdirectory("pipe-e2e-").FullName;
        cli = new PipeCli(Root);
        if (init)
        {
            Run("init").ShouldSucceed();
        }
    }

    public string Root { get; }

    public string PipeFolder => Path.Combine(Root, ".pipe");

    public PipeResult Run(params string[] args) => cli.Run(args);

    /// <summary>Runs the tool as <see cref="Run"/> does, its stdout a terminal <paramref name="width"/> columns wide.</summary>
    public PipeResult RunOnTerminal(int width, params string[] args) => cli.RunOnTerminal(width, args);

    public Task<PipeResult> RunAsync(string[] args, CancellationToken cancellationToken = default) => cli.RunAsync(args, cancellationToken);

    public Command Command(string[] args) => cli.Command(args);

    /// <inheritdoc cref="PipeCli.InterruptibleCommand"/>
    public Command InterruptibleCommand(string[] args) => cli.InterruptibleCommand(args);

    /// <summary>Writes a file under the workspace and returns its path.</summary>
    public string Write(string relativePath, string content)
    {
        var path = Path.Combine(Root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    /// <summary>A digest of every ref, commit and object, to prove a failed command changed nothing.</summary>
    public string StoreFingerprint()
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in Directory.EnumerateFiles(PipeFolder, "*", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}cache{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal))
        {
            sha.AppendData(System.Text.Encoding.UTF8.GetBytes(Path.GetRelativePath(PipeFolder, file)));
            sha.AppendData(File.ReadAllBytes(file));
        }

        return Convert.ToHexString(sha.GetHashAndReset());
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
