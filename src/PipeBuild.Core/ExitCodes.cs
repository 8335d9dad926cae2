namespace PipeBuild.Core;

/// <summary>Process exit codes of <c>dotnet pipe</c> (docs/cli.md).</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int UserError = 1;
    public const int JobFailure = 2;
    public const int InternalError = 3;

    /// <summary>Stopped by Ctrl+C (SIGINT): 128 + 2, as shells report it.</summary>
    public const int Interrupted = 130;

    /// <summary>Stopped by SIGTERM: 128 + 15.</summary>
    public const int Terminated = 143;
}
