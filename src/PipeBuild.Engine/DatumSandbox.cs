using Microsoft.Win32.SafeHandles;
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
    internal const UnixFileMode ReadOnlyMode = UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    internal DatumSandbox(string root) => Root = root;

    /// <summary>The folder that stands for <c>/pfs</c>.</summary>
    public string Root { get; }

    public string Out => Path.Combine(Root, "out");

    public long BytesRead { get; private set; }

    /// <summary>The stored content of each input file written empty (<see cref="DatumInput.EmptyFiles"/>), by path under the root.</summary>
    private readonly Dictionary<string, FileContent> emptied = new(StringComparer.Ordinal);

    /// <summary>A new sandbox in <c>SCRATCH/pfs</c>; <see cref="SandboxSlot"/> reuses one folder for datum after datum instead.</summary>
    public static async Task<DatumSandbox> CreateAsync(string scratch, Datum datum, ContentStore content, CancellationToken cancellationToken)
    {
        var sandbox = new DatumSandbox(Path.Combine(scratch, "pfs"));
        Directory.CreateDirectory(sandbox.Out);
        await sandbox.WriteInputsAsync(datum, content, CreateInputFile, path => Directory.CreateDirectory(path), cancellationToken);
        return sandbox;
    }

    /// <summary>Removes a datum's scratch folder, whatever the transform left in it.</summary>
    public static void Delete(string scratch)
    {
        try
        {
            if (Directory.Exists(scratch))
            {
                DeleteTree(scratch);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    /// <summary>
    /// Deletes a folder and everything in it without following links. A transform may have taken the write
    /// permission off a folder (or, on Windows, made files read-only): those are given back and the delete retried.
    /// </summary>
    internal static void DeleteTree(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint, IgnoreInaccessible = false };
            foreach (var entry in new DirectoryInfo(folder).EnumerateFileSystemInfos("*", options).Prepend(new DirectoryInfo(folder)))
            {
                if (OperatingSystem.IsWindows())
                {
                    entry.Attributes = entry is DirectoryInfo ? FileAttributes.Directory : FileAttributes.Normal;
                }
                else if (entry is DirectoryInfo)
                {
                    entry.UnixFileMode |= UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
                }
            }

            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>
    /// Writes the datum's input files, read-only, under <c>NAME/path</c>, each of an empty-files input with no bytes.
    /// Files are small and few per datum, so they are written synchronously: an asynchronous write costs a
    /// thread-pool hop per file and buys nothing.
    /// </summary>
    /// <param name="create">opens the file to write (a new one, or a recycled one: <see cref="InputFile.Recycled"/>)</param>
    /// <param name="createFolder">makes an input folder that may not exist yet</param>
    internal async Task WriteInputsAsync(
        Datum datum, ContentStore content, Func<string, InputFile> create, Action<string> createFolder, CancellationToken cancellationToken)
    {
        foreach (var input in datum.Inputs)
        {
            var inputRoot = Path.Combine(Root, input.Name);
            createFolder(inputRoot);
            foreach (var file in input.Files)
            {
                var target = Path.Combine(inputRoot, file.Path.Replace('/', Path.DirectorySeparatorChar));
                if (file.Path.Contains('/', StringComparison.Ordinal))
                {
                    Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                }

                IReadOnlyList<FileContent> chunks;
                if (input.EmptyFiles)
                {
                    chunks = [];
                    emptied[$"{input.Name}/{file.Path}"] = file.Content;
                }
                else
                {
                    chunks = file.Content.Kind == EntryKind.ChunkedFile ? await content.ReadChunkListAsync(file.Content.Hash, cancellationToken) : [file.Content];
                    BytesRead += file.Content.Size;
                }

                using (var opened = create(target))
                {
                    var handle = opened.Handle;
                    long offset = 0;
                    foreach (var chunk in chunks)
                    {
                        var data = await content.ReadVerifiedAsync(chunk.Hash, cancellationToken);
                        RandomAccess.Write(handle, data, offset);
                        offset += data.Length;
                    }

                    if (opened.Recycled && !OperatingSystem.IsWindows())
                    {
                        RandomAccess.SetLength(handle, offset);
                        File.SetUnixFileMode(handle, ReadOnlyMode);
                    }
                }

                if (OperatingSystem.IsWindows())
                {
                    File.SetAttributes(target, FileAttributes.ReadOnly);
                }
            }
        }
    }

    /// <summary>A new input file, created read-only (an open handle may still write it), so no chmod follows.</summary>
    internal static InputFile CreateInputFile(string path)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.Read, BufferSize = 0 };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = ReadOnlyMode;
        }

        // FileStream is the only API that takes a create mode; the file is written through its handle.
        var stream = new FileStream(path, options);
        return new InputFile(stream.SafeFileHandle, Recycled: false, stream);
    }

    /// <summary>
    /// The outcome of a transform that exited with <paramref name="exitCode"/>: a failure unless the code is 0 or
    /// accepted, else success with what it wrote (or a failure if an output escapes the sandbox).
    /// </summary>
    /// <param name="mounted">the transform saw the sandbox mounted at <c>/pfs</c> (a container), so its links
    /// into <c>/pfs/...</c> are read from the sandbox</param>
    public async Task<DatumOutcome> OutcomeAsync(long exitCode, PipelineSpec spec, ContentStore content, CancellationToken cancellationToken, bool mounted = false)
    {
        if (exitCode != 0 && !spec.AcceptReturnCodes.Contains((int)exitCode))
        {
            return DatumOutcome.Failed($"exit code {exitCode}", BytesRead);
        }

        try
        {
            var outputs = await CollectAsync(content, cancellationToken, mounted);
            return new DatumOutcome(true, null, outputs, BytesRead, outputs.Sum(o => o.Size));
        }
        catch (PipeException e) when (e.Code == ErrorCodes.OutputEscapesSandbox)
        {
            return DatumOutcome.Failed($"error {e.Code}: {e.Message}", BytesRead);
        }
    }

    /// <summary>
    /// Stores every file under <c>pfs/out</c>. A symlink is followed only if it stays inside the sandbox
    /// (Pachyderm lets a transform link an input into its output); anything else fails the datum. Every file is
    /// opened by its path beneath the sandbox, never through a link leaving it (<see cref="ContainedFile"/>): a
    /// linked folder in the middle of a path, or a file swapped for a link while this runs, reads nothing of the host.
    /// A hard link names a file the transform could read anyway: on this machine (local executor) it runs as the
    /// user; in a container it can only link files of its own mounts, and the host mounts only the sandbox there.
    /// </summary>
    public async Task<IReadOnlyList<OutputFile>> CollectAsync(ContentStore content, CancellationToken cancellationToken, bool mounted = false)
    {
        var outputs = new List<OutputFile>();
        var root = Path.GetFullPath(Root);
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = false };
        foreach (var entry in new DirectoryInfo(Out).EnumerateFileSystemInfos("*", options))
        {
            var relative = Path.GetRelativePath(Out, entry.FullName).Replace(Path.DirectorySeparatorChar, '/');
            var link = entry.LinkTarget;
            if (link is null && entry is DirectoryInfo)
            {
                continue;
            }

            // The path to open, relative to the sandbox root: the entry itself, or where its link points.
            var target = link is null ? $"out/{relative}" : LinkInSandbox(root, entry, link, relative, mounted);
            var (handle, refusal) = ContainedFile.Open(root, target, throughLinks: link is not null);
            using (handle)
            {
                if (handle is null)
                {
                    throw new PipeException(ErrorCodes.OutputEscapesSandbox, refusal switch
                    {
                        ContainedFile.Refusal.Missing when link is not null => $"/pfs/out/{relative} is a symlink to '{link}', which does not exist.",
                        ContainedFile.Refusal.Missing => $"/pfs/out/{relative} disappeared while the outputs were collected.",
                        ContainedFile.Refusal.NotAFile => $"/pfs/out/{relative} is not a regular file{(link is null ? "" : $" (it links to '{link}')")}: a folder link, FIFO, socket or device is not content.",
                        _ when link is not null => $"/pfs/out/{relative} is a symlink to '{link}', which leads outside /pfs; write files into /pfs/out, or link only to files under /pfs.",
                        _ => $"/pfs/out/{relative} was replaced by a symlink, or a folder on its path is one, while the outputs were collected.",
                    });
                }

                // A link to an input file the transform saw empty (and left so) is that file, as in Pachyderm's shuffle pipelines.
                if (link is not null && emptied.TryGetValue(target, out var stored) && RandomAccess.GetLength(handle) == 0)
                {
                    outputs.Add(new OutputFile(RepoPath.Normalize(relative), stored.Kind, stored.Hash, stored.Size));
                    continue;
                }

                outputs.Add(await StoreAsync(content, RepoPath.Normalize(relative), handle, cancellationToken));
            }
        }

        return [.. outputs.OrderBy(o => o.Path, StringComparer.Ordinal)];
    }

    /// <summary>
    /// Where a link in <c>/pfs/out</c> points, relative to the sandbox root, or an error if it points outside it.
    /// A container's links name <c>/pfs/...</c>; a local transform's name the sandbox's own path, or are relative.
    /// </summary>
    private string LinkInSandbox(string root, FileSystemInfo entry, string link, string relative, bool mounted)
    {
        var resolved = mounted && (link == "/pfs" || link.StartsWith("/pfs/", StringComparison.Ordinal))
            ? DatumEnvironment.MapPfs(link, Root)
            : Path.Combine(Path.GetDirectoryName(entry.FullName)!, link);
        var inside = Path.GetRelativePath(root, Path.GetFullPath(resolved));
        if (inside == "." || inside == ".." || inside.StartsWith(".." + Path.DirectorySeparatorChar, StringComparison.Ordinal) || Path.IsPathRooted(inside))
        {
            throw new PipeException(ErrorCodes.OutputEscapesSandbox, $"/pfs/out/{relative} is a symlink to '{link}', outside /pfs; write files into /pfs/out instead.");
        }

        return inside.Replace(Path.DirectorySeparatorChar, '/');
    }

    private static async Task<OutputFile> StoreAsync(ContentStore content, string path, SafeFileHandle handle, CancellationToken cancellationToken)
    {
        FileContent stored;
        var length = RandomAccess.GetLength(handle);
        if (length <= ContentDefinedChunker.MinSize)
        {
            // A small file in one read, stored as one object (what the chunker would make of it too).
            var bytes = new byte[length];
            var read = 0;
            while (read < bytes.Length && RandomAccess.Read(handle, bytes.AsSpan(read), read) is var n and > 0)
            {
                read += n;
            }

            stored = await content.WriteAsync(bytes.AsMemory(0, read), cancellationToken);
        }
        else
        {
            await using var stream = new FileStream(handle, FileAccess.Read, bufferSize: 0);
            stored = await content.WriteAsync(stream, null, cancellationToken);
        }

        return new OutputFile(path, stored.Kind, stored.Hash, stored.Size);
    }
}
