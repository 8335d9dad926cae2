using PipeBuild.Store;

namespace PipeBuild.Engine;

/// <summary>
/// One worker's sandbox folder, reused for datum after datum: <see cref="Pfs"/> keeps its path (so a transform
/// kept alive across datums sees a stable <c>/pfs</c>), and <see cref="Clear"/> empties it between datums.
/// Making and removing folders per datum is what costs most for tiny datums (inode allocation, and a
/// synchronous discard per freed block on file systems mounted with <c>discard</c>), so the slot keeps its
/// folders and, on Linux, recycles the files a datum leaves behind as the next datum's input files: a recycled
/// file is renamed into place, rewritten and cut to length, so no inode is allocated or freed.
/// </summary>
/// <remarks>
/// Not thread-safe: one datum at a time. A datum never sees the files of the one before: <see cref="Clear"/>
/// removes everything under <c>/pfs</c> except the empty <c>out</c> and input folders, and a recycled file is
/// taken only while no other name links to it, and rewritten completely before the datum starts.
/// </remarks>
public sealed class SandboxSlot(string folder) : IDisposable
{
    /// <summary>How many files are kept for recycling; more than a datum's inputs buys nothing.</summary>
    private const int MaxSpares = 32;

    private readonly string spareFolder = Path.Combine(folder, "spare");
    private readonly Stack<string> spares = new();
    private readonly HashSet<string> inputFolders = new(StringComparer.Ordinal);
    private bool outReady;
    private bool spareFolderReady;
    private int spareNames;

    /// <summary>The slot's own folder (its sandbox is <see cref="Pfs"/>; the executor may keep other files here).</summary>
    public string Folder { get; } = folder;

    /// <summary>The folder that stands for <c>/pfs</c> for every datum this slot runs.</summary>
    public string Pfs { get; } = Path.Combine(folder, "pfs");

    /// <summary>
    /// Changes whenever <see cref="Clear"/> had to delete <see cref="Pfs"/> or its <c>out</c> folder rather than
    /// empty them: a container that bind-mounted the old folders does not see the new ones and must be made anew.
    /// </summary>
    public int Generation { get; private set; }

    /// <summary>Writes the datum's inputs into the (cleared) sandbox.</summary>
    public async Task<DatumSandbox> FillAsync(Datum datum, ContentStore content, CancellationToken cancellationToken)
    {
        var sandbox = new DatumSandbox(Pfs);
        if (!outReady)
        {
            Directory.CreateDirectory(sandbox.Out);
            outReady = true;
        }

        var wanted = datum.Inputs.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var unused in inputFolders.Where(f => !wanted.Contains(f)).ToList())
        {
            DatumSandbox.DeleteTree(Path.Combine(Pfs, unused)); // a union's other input must not show up empty
            inputFolders.Remove(unused);
        }

        await sandbox.WriteInputsAsync(datum, content, OpenInputFile, CreateInputFolder, cancellationToken);
        return sandbox;
    }

    /// <summary>
    /// Empties the sandbox after a datum, keeping <c>out</c> and the input folders. Whatever cannot be emptied
    /// in place (a folder the transform made read-only, <c>out</c> replaced by a link) is deleted outright.
    /// </summary>
    public void Clear()
    {
        try
        {
            foreach (var entry in new DirectoryInfo(Pfs).EnumerateFileSystemInfos())
            {
                var keep = entry is DirectoryInfo && !entry.Attributes.HasFlag(FileAttributes.ReparsePoint)
                    && (entry.Name == "out" || inputFolders.Contains(entry.Name));
                if (keep)
                {
                    Empty((DirectoryInfo)entry);
                }
                else
                {
                    Remove(entry);
                    inputFolders.Remove(entry.Name);
                    if (entry.Name == "out")
                    {
                        outReady = false;
                        Generation++;
                    }
                }
            }
        }
        catch (DirectoryNotFoundException)
        {
            Reset();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Reset();
            DatumSandbox.DeleteTree(Pfs);
        }
    }

    /// <summary>Deletes the slot's folder.</summary>
    public void Dispose()
    {
        Reset();
        spares.Clear();
        spareFolderReady = false;
        DatumSandbox.Delete(Folder);
    }

    private void Reset()
    {
        Generation++;
        outReady = false;
        inputFolders.Clear();
    }

    private void Empty(DirectoryInfo folder)
    {
        foreach (var entry in folder.EnumerateFileSystemInfos())
        {
            if (entry is DirectoryInfo && !entry.Attributes.HasFlag(FileAttributes.ReparsePoint))
            {
                Empty((DirectoryInfo)entry);
                entry.Delete();
            }
            else
            {
                Remove(entry);
            }
        }
    }

    /// <summary>Deletes an entry, or keeps a plain file for recycling.</summary>
    private void Remove(FileSystemInfo entry)
    {
        if (entry is DirectoryInfo && !entry.Attributes.HasFlag(FileAttributes.ReparsePoint))
        {
            DatumSandbox.DeleteTree(entry.FullName);
            return;
        }

        if (OperatingSystem.IsLinux() && entry is FileInfo && !entry.Attributes.HasFlag(FileAttributes.ReparsePoint) && spares.Count < MaxSpares)
        {
            if (!spareFolderReady)
            {
                Directory.CreateDirectory(spareFolder);
                spareFolderReady = true;
            }

            var spare = Path.Combine(spareFolder, (++spareNames).ToString(System.Globalization.CultureInfo.InvariantCulture));
            File.Move(entry.FullName, spare);
            spares.Push(spare);
            return;
        }

        entry.Delete();
    }

    private void CreateInputFolder(string path)
    {
        if (inputFolders.Add(Path.GetFileName(path)))
        {
            Directory.CreateDirectory(path);
        }
    }

    /// <summary>A recycled file when one is free (no other name links to it, so rewriting it changes nothing else), else a new one.</summary>
    private InputFile OpenInputFile(string path)
    {
        while (OperatingSystem.IsLinux() && spares.TryPop(out var spare))
        {
            if (!UnixFiles.IsPlainFile(spare))
            {
                // Linked from elsewhere (a transform's hard link): not ours to rewrite; or a FIFO, socket or device a
                // transform left, which opening to write would block on or reach through.
                File.Delete(spare);
                continue;
            }

            File.Move(spare, path);
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            return new InputFile(File.OpenHandle(path, FileMode.Open, FileAccess.Write, FileShare.Read), Recycled: true);
        }

        return DatumSandbox.CreateInputFile(path);
    }
}
