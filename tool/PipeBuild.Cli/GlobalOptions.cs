using System.CommandLine;

namespace PipeBuild.Cli;

/// <summary>Options every command understands.</summary>
internal static class GlobalOptions
{
    public static readonly Option<string?> Workspace = new("--workspace")
    {
        Description = "The workspace folder (default: the nearest folder at or above the current one holding .pipe/).",
        Recursive = true,
    };

    public static readonly Option<bool> Verbose = new("--verbose")
    {
        Description = "Show details of errors, including stack traces.",
        Recursive = true,
    };

    /// <summary>Not recursive: 'file get' uses --output for its destination, as pachctl does.</summary>
    public static readonly Option<OutputFormat> Output = new("--output")
    {
        Description = "Output format: table (default) or json.",
        DefaultValueFactory = _ => OutputFormat.Table,
    };
}
