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

    /// <summary>
    /// Compares two pickled scikit-learn models: "same model" when they are of one class with equal parameters and
    /// fitted attributes, numbers equal to 1e-9 relative; otherwise what differs.
    /// </summary>
    public static async Task<string> CompareModelsAsync(byte[] first, byte[] second)
    {
        const string Compare = """
            import pickle, sys
            import numpy as np
            a, b = (pickle.load(open(path, "rb")) for path in sys.argv[1:3])
            def same(x, y):
                if isinstance(x, np.ndarray) and x.dtype.kind in "fc":
                    return isinstance(y, np.ndarray) and x.shape == y.shape and np.allclose(x, y, rtol=1e-9, atol=1e-12)
                if isinstance(x, np.ndarray):
                    return isinstance(y, np.ndarray) and np.array_equal(x, y)
                if isinstance(x, float):
                    return isinstance(y, float) and np.isclose(x, y, rtol=1e-9, atol=1e-12)
                return x == y
            if type(a) is not type(b) or a.__dict__.keys() != b.__dict__.keys():
                print(f"{type(a).__name__} {sorted(a.__dict__)} vs {type(b).__name__} {sorted(b.__dict__)}")
            else:
                print(next((f"{type(a).__name__}.{k} differs" for k in a.__dict__ if not same(a.__dict__[k], b.__dict__[k])), "same model"))
            """;
        var files = new[] { Path.GetTempFileName(), Path.GetTempFileName() };
        try
        {
            await File.WriteAllBytesAsync(files[0], first);
            await File.WriteAllBytesAsync(files[1], second);
            var result = await CliWrap.Cli.Wrap("python3").WithArguments(["-c", Compare, .. files])
                .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
            return result.ExitCode == 0 ? result.StandardOutput.Trim() : result.StandardError.Trim();
        }
        finally
        {
            Array.ForEach(files, File.Delete);
        }
    }
}
