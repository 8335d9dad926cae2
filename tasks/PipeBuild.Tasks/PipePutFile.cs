using System.Text.Json;
using Microsoft.Build.Framework;

namespace PipeBuild.Tasks;

/// <summary>
/// Puts local files into a repo as one commit (<c>dotnet pipe file put</c>), then runs the pipelines that read it
/// unless <see cref="NoRun"/>.
/// </summary>
public sealed class PipePutFile : PipeToolTask
{
    [Required]
    public string Repo { get; set; } = "";

    /// <summary>The branch; empty: the workspace's default branch.</summary>
    public string? Branch { get; set; }

    /// <summary>Where in the repo: the file's path, or with <see cref="Recursive"/> the folder; empty: the file's own name at the root.</summary>
    public string? Path { get; set; }

    /// <summary>Local files (or folders, with <see cref="Recursive"/>) or http(s) URLs.</summary>
    [Required]
    public ITaskItem[] Files { get; set; } = [];

    public bool Recursive { get; set; }

    public bool Append { get; set; }

    /// <summary>The commit's description.</summary>
    public string? Message { get; set; }

    /// <summary>Do not run the pipelines that read the repo.</summary>
    public bool NoRun { get; set; }

    /// <summary>The id of the commit the files went into.</summary>
    [Output]
    public string? Commit { get; private set; }

    protected override IEnumerable<string> Arguments()
    {
        yield return "file";
        yield return "put";
        var target = string.IsNullOrWhiteSpace(Branch) ? Repo : $"{Repo}@{Branch}";
        yield return string.IsNullOrWhiteSpace(Path) ? target : $"{target}:{Path}";
        foreach (var file in Files)
        {
            yield return "--file";
            yield return Uri.TryCreate(file.ItemSpec, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" ? file.ItemSpec : file.GetMetadata("FullPath");
        }

        if (Recursive)
        {
            yield return "--recursive";
        }

        if (Append)
        {
            yield return "--append";
        }

        if (!string.IsNullOrEmpty(Message))
        {
            yield return "--message";
            yield return Message;
        }

        if (NoRun)
        {
            yield return "--no-run";
        }

        yield return "--output";
        yield return "json";
    }

    protected override void Completed(JsonElement result)
    {
        if (result.ValueKind == JsonValueKind.Object && result.TryGetProperty("commit", out var commit))
        {
            Commit = commit.GetString();
            var branch = result.TryGetProperty("branch", out var b) ? b.GetString() : Branch;
            Log.LogMessage(MessageImportance.High, $"{nameof(PipePutFile)}: {Files.Length} source(s) into {Repo}@{branch} (commit {Commit})");
        }
    }
}
