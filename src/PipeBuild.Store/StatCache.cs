using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using PipeBuild.Core;

namespace PipeBuild.Store;

/// <summary>
/// Remembers the stored content of local source files by (path, size, mtime), like git's index, so putting an
/// unchanged file again costs a stat instead of a read. A file modified within the last two seconds is not
/// remembered: its mtime could still change without changing (the "racily clean" case).
/// </summary>
public sealed class StatCache
{
    private static readonly TimeSpan RacyWindow = TimeSpan.FromSeconds(2);
    private readonly string path;
    private readonly ConcurrentDictionary<string, Entry> entries = new(StringComparer.Ordinal);
    private bool changed;

    private StatCache(string path) => this.path = path;

    public static StatCache Load(string path)
    {
        var cache = new StatCache(path);
        if (File.Exists(path))
        {
            foreach (var line in File.ReadLines(path))
            {
                var parts = line.Split('\t', 5);
                if (parts.Length == 5 && long.TryParse(parts[0], CultureInfo.InvariantCulture, out var size)
                    && long.TryParse(parts[1], CultureInfo.InvariantCulture, out var ticks) && Enum.TryParse<EntryKind>(parts[2], out var kind) && Digest.TryParse(parts[3], out var hash))
                {
                    cache.entries[parts[4]] = new Entry(size, ticks, new FileContent(kind, hash, size));
                }
            }
        }

        return cache;
    }

    public FileContent? TryGet(SourceFile file) =>
        entries.TryGetValue(file.FullPath, out var entry) && entry.Size == file.Length && entry.MtimeTicks == file.LastWriteTimeUtc.Ticks
            ? entry.Content
            : null;

    public void Set(SourceFile file, FileContent content)
    {
        if (DateTime.UtcNow - file.LastWriteTimeUtc > RacyWindow)
        {
            entries[file.FullPath] = new Entry(file.Length, file.LastWriteTimeUtc.Ticks, content);
            changed = true;
        }
    }

    /// <summary>Writes the cache if it changed (atomically: a crash keeps the old one).</summary>
    public void Save()
    {
        if (!changed)
        {
            return;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = $"{path}.tmp-{Environment.ProcessId}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}"; // one per writer, also within a process
        using (var writer = new StreamWriter(temp, append: false, new UTF8Encoding(false)))
        {
            // Line by line: the whole text of a million entries, and its copy as a string, were hundreds of MB at once.
            foreach (var (file, entry) in entries)
            {
                writer.Write(string.Create(CultureInfo.InvariantCulture, $"{entry.Size}\t{entry.MtimeTicks}\t{entry.Content.Kind}\t{entry.Content.Hash}\t{file}\n"));
            }
        }

        File.Move(temp, path, overwrite: true);
        changed = false;
    }

    private sealed record Entry(long Size, long MtimeTicks, FileContent Content);
}
