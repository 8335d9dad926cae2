using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace PipeBuild.Tasks;

/// <summary>Writes a file (or with <see cref="Recursive"/> a folder) of a commit to disk (<c>dotnet pipe file get -o</c>).</summary>
public sealed class PipeGetFile : PipeToolTask
{
    [Required]
    public string Repo { get; set; } = "";

    /// <summary>A branch, a commit id (or unique prefix), or ancestry such as <c>master^</c>; empty: the workspace's default branch.</summary>
    public string? Ref { get; set; }

    [Required]
    public string Path { get; set; } = "";

    /// <summary>The local file (or folder, with <see cref="Recursive"/>) to write.</summary>
    [Required]
    public string Destination { get; set; } = "";

    public bool Recursive { get; set; }

    /// <summary>The files written.</summary>
    [Output]
    public ITaskItem[] Files { get; private set; } = [];

    private string Reference => string.IsNullOrWhiteSpace(Ref) ? $"{Repo}:{Path}" : $"{Repo}@{Ref}:{Path}";

    protected override IEnumerable<string> Arguments()
    {
        yield return "file";
        yield return "get";
        yield return Reference;
        yield return "--output";
        yield return System.IO.Path.GetFullPath(Destination);
        if (Recursive)
        {
            yield return "--recursive";
        }
    }

    public override bool Execute()
    {
        if (!base.Execute())
        {
            return false;
        }

        var destination = System.IO.Path.GetFullPath(Destination);
        Files = Directory.Exists(destination)
            ? [.. Directory.EnumerateFiles(destination, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Select(f => new TaskItem(f))]
            : [new TaskItem(destination)];
        Log.LogMessage(MessageImportance.High, $"{nameof(PipeGetFile)}: {Reference} -> {destination} ({Files.Length} file(s))");
        return true;
    }
}
