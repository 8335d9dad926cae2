using Microsoft.Build.Locator;
using PipeBuild.Core;

namespace PipeBuild.Evaluation;

/// <summary>
/// Loads the installed .NET SDK's MSBuild into this process, once. It must happen before the first method that
/// uses a Microsoft.Build type is compiled, which is why the MSBuild code lives in <see cref="PipeprojReader"/>
/// and is only reached through <see cref="PipeprojEvaluator"/> after this ran. The SDK's NuGet assemblies load
/// the same way (PipeBuild.Packages).
/// </summary>
public static class MSBuildRegistration
{
    private static readonly Lock Gate = new();

    public static void EnsureRegistered()
    {
        lock (Gate)
        {
            // CanRegister is false when MSBuild is already loaded, e.g. inside an MSBuild task or by a host that
            // registered it itself: use that one.
            if (MSBuildLocator.IsRegistered || !MSBuildLocator.CanRegister)
            {
                return;
            }

            try
            {
                MSBuildLocator.RegisterDefaults();
            }
            catch (InvalidOperationException e)
            {
                throw new PipeException(
                    ErrorCodes.MSBuildNotFound,
                    $"no .NET SDK found to evaluate .pipeproj files with MSBuild ({e.Message.TrimEnd('.')}). Install the .NET SDK (`dotnet --list-sdks` must list one), or use a JSON pipeline spec.",
                    inner: e);
            }
        }
    }
}
