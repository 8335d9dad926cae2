namespace PipeBuild.Cli;

/// <summary><c>--output</c>: tables for people, JSON for scripts and CI.</summary>
internal enum OutputFormat
{
    Table,
    Json,
}
