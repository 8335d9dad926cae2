namespace PipeBuild.WebConsole;

/// <summary>How <c>dotnet pipe console</c> serves.</summary>
public sealed record ConsoleOptions
{
    public const string DefaultUrl = "http://127.0.0.1:5080";

    /// <summary>Addresses to listen on (Kestrel's syntax); port 0 picks a free one.</summary>
    public IReadOnlyList<string> Urls { get; init; } = [DefaultUrl];

    /// <summary>
    /// What every request must carry (<c>?token=</c>, then a cookie, or <c>Authorization: Bearer</c>). Null: none on a
    /// loopback address, a random one on any other.
    /// </summary>
    public string? Token { get; init; }

    /// <summary>Hide and refuse the actions (run, restart, kill).</summary>
    public bool ReadOnly { get; init; }

    /// <summary>Where an action that failed after its page was answered (a run that could not start) is reported.</summary>
    public TextWriter Errors { get; init; } = TextWriter.Null;

    /// <summary>
    /// What a kill does besides marking the job killed, such as stopping its remote workers (the CLI's
    /// <c>job kill</c> does the same); null: nothing.
    /// </summary>
    public Func<Engine.JobInfo, CancellationToken, Task>? StopWorkers { get; init; }

    /// <summary>How often the server looks at the store for changes while a page listens for them.</summary>
    public TimeSpan ChangeInterval { get; init; } = TimeSpan.FromSeconds(1);
}
