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

    /// <summary>The file (and <c>(line,col)</c>) the error is about, when it is about one; the message starts with it.</summary>
    public string? Origin { get; private init; }

    /// <summary>An error about a place in a file: <paramref name="origin"/> is <c>FILE</c> or <c>FILE(LINE,COL)</c>.</summary>
    public static PipeException At(string origin, string code, string message, Exception? inner = null) =>
        new(code, $"{origin}: {message}", ExitCodes.UserError, inner) { Origin = origin };

    /// <summary>
    /// The line the CLI prints, in MSBuild's canonical form so that MSBuild, editors and CI annotate the place:
    /// <c>FILE(LINE,COL): error PIPE2002: message</c>, or <c>error PIPE5001: message</c> when there is no place.
    /// </summary>
    public override string ToString() =>
        Origin is null ? $"error {Code}: {Message}" : $"{Origin}: error {Code}: {Message[(Origin.Length + 2)..]}";
}
