using CliWrap;
using CliWrap.Buffered;

namespace PipeBuild.Examples.Tests;

/// <summary>The Python the example transforms run (<c>python3</c> on PATH) with the modules they import.</summary>
public static class Python
{
    public static void Require(params string[] modules)
    {
        string? missing;
        try
        {
            var result = CliWrap.Cli.Wrap("python3").WithArguments(["-c", $"import {string.Join(", ", modules)}"])
                .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync().GetAwaiter().GetResult();
            missing = result.ExitCode == 0 ? null : result.StandardError.Trim().Split('\n')[^1];
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            missing = $"no python3 on PATH ({e.Message})";
        }

        RequiredComponent.Require($"python3 with {string.Join(", ", modules)}", missing,
            "Run eng/test.sh, or source eng/setup/10-python.sh (Debian's python3-pandas, python3-sklearn, python3-matplotlib) first.");
    }
}
