using System.Text.Json;
using PipeBuild.Core.Pipelines;

namespace PipeBuild.Evaluation.Tests;

/// <summary>
/// A scratch folder under the system temp folder, deleted on dispose. It is outside the repository on purpose:
/// MSBuild would otherwise import the repository's own Directory.Build.props into every test project.
/// </summary>
public sealed class TestFiles : IDisposable
{
    public TestFiles()
    {
        Root = Path.Combine(Path.GetTempPath(), "pipebuild-evaluation-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    /// <summary>The folder the seed specs are copied to beside the test assembly.</summary>
    public static string SeedsDirectory => Path.Combine(AppContext.BaseDirectory, "TestData", "Seeds");

    /// <summary>
    /// The source folder of this test project, for snapshots. Found by walking up from the test assembly rather
    /// than from the PDB's source paths, which CI builds map to /_/ (deterministic source paths).
    /// </summary>
    public static string ProjectDirectory
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "tests", "PipeBuild.Evaluation.Tests");
                if (File.Exists(Path.Combine(candidate, "PipeBuild.Evaluation.Tests.csproj")))
                {
                    return candidate;
                }
            }

            throw new InvalidOperationException($"tests/PipeBuild.Evaluation.Tests not found above {AppContext.BaseDirectory}");
        }
    }

    public static string Seed(string relative) => Path.Combine(SeedsDirectory, relative);

    /// <summary>Writes <paramref name="text"/> to <paramref name="relative"/> below <see cref="Root"/>; returns the full path.</summary>
    public string Write(string relative, string text)
    {
        var path = Path.Combine(Root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>
    /// A comparable form of a spec. The records hold lists, whose equality is by reference, so specs are compared
    /// by their JSON; the source file and folder are left out because they name where a spec was read from.
    /// </summary>
    public static string Canonical(PipelineSpec spec) =>
        JsonSerializer.Serialize(spec with { SourceFile = null, InputSources = new Dictionary<string, string>(), WorkingDirectory = null }, new JsonSerializerOptions { WriteIndented = true });

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless; failing a passed test over it is not.
        }
    }
}
