using PipeBuild.Core;
using PipeBuild.Core.Pipelines;
using PipeBuild.Store;

namespace PipeBuild.Engine;

/// <summary>
/// A datum's file system on the host: inputs at <c>pfs/NAME/path</c> (read-only copies of stored content, so
/// a transform can never alter the store) and an empty <c>pfs/out</c>. Executors that run on this machine
/// (local, docker) share it; <see cref="CollectAsync"/> stores what the transform wrote.
/// </summary>
public sealed class DatumSandbox
{
    private DatumSandbox(string root) => Root = root;

    /// <summary>The folder that stands for <c>/pfs</c>.</summary>
    public string Root { get; }

    public string Out => Path.Combine(Root, "out");

    public long BytesRead { get; private set; }

    public static async Task<DatumSandbox> CreateAsync(string scratch, Datum datum, ContentStore content, CancellationToken cancellationToken)
    {
        var sandbox = new DatumSandbox(Path.Combine(scratch, "pfs"));
        Directory.CreateDirectory(sandbox.Out);
        foreach (var input in datum.Inputs)
        {
            var inputRoot = Path.Combine(sandbox.Root, input.Name);
            Directory.CreateDirectory(inputRoot);
            foreach (var file in input.Files)
            {
                var target = Path.Combine(inputRoot, file.Path.Replace('/', Path.DirectorySeparatorChar));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                await using (var stream = new FileStream(target, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
                {
                    await content.CopyToAsync(file.Content, stream, null, cancellationToken);
                }

                File.SetAttributes(target, FileAttributes.ReadOnly);
                sandbox.BytesRead += file.Content.Size;
            }
        }

        return sandbox;
    }

    /// <summary>Removes a datum's scratch folder (its inputs are read-only copies, made writable first).</summary>
    public static void Delete(string scratch)
    {
        try
        {
            if (Directory.Exists(scratch))
            {
                foreach (var file in Directory.EnumerateFiles(scratch, "*", SearchOption.AllDirectories))
                {
                    File.SetAttributes(file, FileAttributes.Normal);
                }

                Directory.Delete(scratch, recursive: true);
            }
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Rewrites <c>/pfs/...</c> in a command argument, stdin line or environment value to this sandbox.</summary>
    public string MapPfs(string text) => text == "/pfs" ? Root : text.Replace("/pfs/", Root + "/", StringComparison.Ordinal);

    /// <summary>
    /// The outcome of a transform that exited with <paramref name="exitCode"/>: a failure unless the code is 0 or
    /// accepted, else success with what it wrote (or a failure if an output escapes the sandbox).
    /// </summary>
    /// <param name="mounted">the transform saw the sandbox mounted at <c>/pfs</c> (a container), so its links
    /// into <c>/pfs/...</c> are read from the sandbox</param>
    public async Task<DatumOutcome> OutcomeAsync(long exitCode, PipelineSpec spec, string log, ContentStore content, CancellationToken cancellationToken, bool mounted = false)
    {
        if (exitCode != 0 && !spec.AcceptReturnCodes.Contains((int)exitCode))
        {
            return DatumOutcome.Failed($"exit code {exitCode}", log, BytesRead);
        }

        try
        {
            var outputs = await CollectAsync(content, cancellationToken, mounted);
            return new DatumOutcome(true, null, outputs, log, BytesRead, outputs.Sum(o => o.Size));
        }
        catch (PipeException e) when (e.Code == ErrorCodes.OutputEscapesSandbox)
        {
            return DatumOutcome.Failed(e.Message, log, BytesRead);
        }
    }

    /// <summary>
    /// Stores every file under <c>pfs/out</c>. A symlink is followed only if it stays inside the sandbox
    /// (Pachyderm lets a transform link an input into its output); anything else fails the datum.
    /// </summary>
    public async Task<IReadOnlyList<OutputFile>> CollectAsync(ContentStore content, CancellationToken cancellationToken, bool mounted = false)
    {
        var outputs = new List<OutputFile>();
        var root = Path.GetFullPath(Root) + Path.DirectorySeparatorChar;
        foreach (var entry in new DirectoryInfo(Out).EnumerateFileSystemInfos("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }))
        {
            var relative = Path.GetRelativePath(Out, entry.FullName).Replace(Path.DirectorySeparatorChar, '/');
            var source = entry.FullName;
            if (entry.LinkTarget is not null)
            {
                var resolved = mounted && entry.LinkTarget.StartsWith("/pfs/", StringComparison.Ordinal)
                    ? Path.GetFullPath(MapPfs(entry.LinkTarget))
                    : entry.ResolveLinkTarget(returnFinalTarget: true)?.FullName;
                if (resolved is null || !resolved.StartsWith(root, StringComparison.Ordinal))
                {
                    throw new PipeException(ErrorCodes.OutputEscapesSandbox, $"/pfs/out/{relative} is a symlink to '{entry.LinkTarget}', outside /pfs; write files into /pfs/out instead.");
                }

                if (Directory.Exists(resolved))
                {
                    throw new PipeException(ErrorCodes.OutputEscapesSandbox, $"/pfs/out/{relative} links to a folder; link files, not folders.");
                }

                source = resolved;
            }
            else if (entry is DirectoryInfo)
            {
                continue;
            }

            var path = RepoPath.Normalize(relative);
            await using var stream = File.OpenRead(source);
            var stored = await content.WriteAsync(stream, null, cancellationToken);
            outputs.Add(new OutputFile(path, stored.Kind, stored.Hash, stored.Size));
        }

        return [.. outputs.OrderBy(o => o.Path, StringComparer.Ordinal)];
    }
}
