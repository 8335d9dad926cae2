using CliWrap;
using CliWrap.Buffered;

namespace PipeBuild.Executors.Kubernetes.Tests;

/// <summary>
/// A <c>dotnet pipe</c> workspace on a fresh s3rver store (<c>init --store s3://...</c>), whose commands run
/// with the AWS variables and, when given, a kubeconfig (the stand-in's).
/// </summary>
internal sealed class S3Workspace : IDisposable
{
    private readonly TempWorkspace files = new(init: false);
    private readonly string? kubeconfig;

    public S3Workspace(string purpose, string? kubeconfig = null)
    {
        this.kubeconfig = kubeconfig;
        Store = S3rver.NewStore(purpose);
        Run("init", "--store", Store).ShouldSucceed();
    }

    /// <summary>The store location, <c>s3://bucket/prefix</c>.</summary>
    public string Store { get; }

    public string Root => files.Root;

    public string Write(string relativePath, string content) => files.Write(relativePath, content);

    public PipeResult Run(params string[] args) => RunAsync(args).GetAwaiter().GetResult();

    public async Task<PipeResult> RunAsync(string[] args, CancellationToken cancellationToken = default)
    {
        var result = await Command(args).ExecuteBufferedAsync(cancellationToken);
        return new PipeResult(result.ExitCode, result.StandardOutput, result.StandardError);
    }

    public Command Command(string[] args) =>
        files.Command(args).WithEnvironmentVariables(e =>
        {
            e.Set("PIPE_WORKSPACE", null).Set("DOTNET_NOLOGO", "1").Set("KUBECONFIG", kubeconfig);
            foreach (var (name, value) in S3rver.SecretData)
            {
                e.Set(name, value);
            }
        });

    public void Dispose() => files.Dispose();
}
