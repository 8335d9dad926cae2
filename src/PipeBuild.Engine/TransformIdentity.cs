using System.Text;
using PipeBuild.Core;
using PipeBuild.Core.Pipelines;

namespace PipeBuild.Engine;

/// <summary>
/// The hash of everything about a transform that can change its outputs: command, stdin, error handler, environment, secrets (which, and where: the engine mixes in a keyed hash of their values), image,
/// working directory and user (when set), accepted exit codes, the content of its TransformFile items and its TransformPackages (id, version, content
/// hash). Where it runs (executor, parallelism, resource limits) is not part of it; what an executor knows about
/// the environment is added on top (<see cref="IDatumExecutor.ResolveIdentityAsync"/>: the docker executor adds
/// the image's digest).
/// </summary>
public static class TransformIdentity
{
    public static string Compute(PipelineSpec spec)
    {
        var text = new StringBuilder("pipebuild-transform-v1\n");
        text.Append("pipeline ").Append(spec.Name).Append('\n');
        foreach (var arg in spec.Command)
        {
            text.Append("cmd ").Append(arg.Length).Append(' ').Append(arg).Append('\n');
        }

        foreach (var line in spec.Stdin)
        {
            text.Append("stdin ").Append(line.Length).Append(' ').Append(line).Append('\n');
        }

        foreach (var (name, value) in spec.Env)
        {
            text.Append("env ").Append(name).Append('=').Append(value.Length).Append(' ').Append(value).Append('\n');
        }

        // Written only when there is an error handler, so every identity without one is what it always was.
        foreach (var arg in spec.ErrorCommand)
        {
            text.Append("errcmd ").Append(arg.Length).Append(' ').Append(arg).Append('\n');
        }

        foreach (var line in spec.ErrorStdin)
        {
            text.Append("errstdin ").Append(line.Length).Append(' ').Append(line).Append('\n');
        }

        // Which secrets go where, written only when there are some; their values are mixed in by the engine, as a keyed
        // hash (SecretStore.IdentityOf), never written here.
        foreach (var secret in spec.Secrets)
        {
            text.Append("secret ").Append(secret.Name).Append(' ').Append(secret.Key).Append(' ').Append(secret.EnvVar)
                .Append(' ').Append(secret.MountPath?.Length ?? 0).Append(' ').Append(secret.MountPath).Append('\n');
        }

        text.Append("image ").Append(spec.Image).Append('\n');
        // Written only when set, as the error handler is: where the command runs and as whom change what it does.
        if (spec.WorkingDir is { } workingDir)
        {
            text.Append("workdir ").Append(workingDir.Length).Append(' ').Append(workingDir).Append('\n');
        }

        if (spec.User is { } user)
        {
            text.Append("user ").Append(user).Append('\n');
        }

        text.Append("accept ").Append(string.Join(',', spec.AcceptReturnCodes)).Append('\n');
        foreach (var file in spec.TransformFiles.Order(StringComparer.Ordinal))
        {
            text.Append("file ").Append(Path.GetFileName(file)).Append(' ').Append(HashFile(file, spec)).Append('\n');
        }

        // The id, the version and the .nupkg's own hash: a new version (or different bits under one) reruns every datum.
        foreach (var package in spec.TransformPackages.OrderBy(p => p.Id, StringComparer.OrdinalIgnoreCase))
        {
            text.Append("package ").Append(package.Id.ToLowerInvariant()).Append(' ').Append(package.Version).Append(' ').Append(package.ContentHash).Append('\n');
        }

        return ContentHash.Of(Encoding.UTF8.GetBytes(text.ToString()));
    }

    private static string HashFile(string path, PipelineSpec spec)
    {
        try
        {
            using var stream = File.OpenRead(path);
            return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(stream));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw spec.Error(ErrorCodes.SourceUnreadable, $"cannot read TransformFile '{path}': {e.Message}");
        }
    }
}
