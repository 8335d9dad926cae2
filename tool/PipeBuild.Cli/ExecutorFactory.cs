using PipeBuild.Core;
using PipeBuild.Engine;
using PipeBuild.Executors.Docker;
using PipeBuild.Executors.Local;

namespace PipeBuild.Cli;

/// <summary>The executor a pipeline's <c>Executor</c> property names.</summary>
internal static class ExecutorFactory
{
    public static IDatumExecutor Create(string name) => name switch
    {
        "local" => new LocalExecutor(),
        "docker" => new DockerExecutor(),
        _ => throw new PipeException(
            ErrorCodes.ExecutorUnavailable,
            $"executor '{name}' is not available in this version of dotnet pipe; use <Executor>local</Executor> or <Executor>docker</Executor> (kubernetes is planned)."),
    };
}
