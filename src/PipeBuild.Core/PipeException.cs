namespace PipeBuild.Core;

/// <summary>
/// An error a user can act on. Carries a stable <c>PIPEnnnn</c> code (listed in docs/errors.md) and the
/// process exit code the CLI returns for it; the message says what is wrong and what to do.
/// </summary>
public class PipeException : Exception
{
    public PipeException(string code, string message, int exitCode = ExitCodes.UserError, Exception? inner = null)
        : base(message, inner)
    {
        Code = code;
        ExitCode = exitCode;
    }

    /// <summary>The stable error code, for example <c>PIPE5001</c>.</summary>
    public string Code { get; }

    public int ExitCode { get; }

    /// <summary>The line the CLI prints: <c>error PIPE5001: repo 'x' not found. ...</c>.</summary>
    public override string ToString() => $"error {Code}: {Message}";
}
