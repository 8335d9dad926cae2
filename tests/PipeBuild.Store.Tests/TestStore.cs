using System.Text;
using PipeBuild.Core;
using PipeBuild.Store.Local;

namespace PipeBuild.Store.Tests;

/// <summary>A <see cref="VersionStore"/> on a <see cref="LocalObjectStore"/> in a temp folder, with shorthands for tests.</summary>
internal sealed class TestStore : IDisposable
{
    private readonly TempDirectory temp = new();

    public TestStore()
    {
        Root = temp.Combine(".pipe");
        Objects = new LocalObjectStore(Root);
        Versions = new VersionStore(Objects);
        StoreFormat.InitializeAsync(Objects, CancellationToken.None).GetAwaiter().GetResult(); // as 'init' does
    }

    /// <summary>The folder the local store keeps its entries in.</summary>
    public string Root { get; }

    public LocalObjectStore Objects { get; }

    public VersionStore Versions { get; }

    public ContentStore Content => Versions.Content;

    /// <summary>The file that holds the object with <paramref name="hash"/>.</summary>
    public string ObjectFile(string hash) => Path.Combine(Root, StoreKeys.Object(hash).Replace('/', Path.DirectorySeparatorChar));

    /// <summary>Total bytes of every file under the objects folder.</summary>
    public long ObjectBytes()
    {
        var objects = Path.Combine(Root, "objects");
        return Directory.Exists(objects)
            ? new DirectoryInfo(objects).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length)
            : 0;
    }

    public async Task<IReadOnlyList<string>> ListAsync(string prefix)
    {
        var keys = new List<string>();
        await foreach (var key in Objects.ListAsync(prefix, CancellationToken.None))
        {
            keys.Add(key);
        }

        return [.. keys.Order(StringComparer.Ordinal)];
    }

    public Task<RepoInfo> CreateRepoAsync(string name) => Versions.CreateRepoAsync(name, null, CancellationToken.None);

    public Task<CommitInfo> PutTextAsync(string target, string path, string text) =>
        PutAsync(target, path, Encoding.UTF8.GetBytes(text));

    /// <summary>Stores <paramref name="data"/> at <paramref name="path"/> of <paramref name="target"/> (REPO@BRANCH or REPO@COMMIT).</summary>
    public Task<CommitInfo> PutAsync(string target, string path, byte[] data) =>
        Versions.WriteAsync(CommitRef.Parse(target), null, async (editor, ct) =>
        {
            using var source = new MemoryStream(data, writable: false);
            var content = await Content.WriteAsync(source, null, ct);
            await editor.SetFileAsync(RepoPath.Normalize(path), content, ct);
        }, CancellationToken.None);

    public Task<CommitInfo> DeleteAsync(string target, string path) =>
        Versions.WriteAsync(CommitRef.Parse(target), null, async (editor, ct) => await editor.DeleteAsync(RepoPath.Normalize(path), ct), CancellationToken.None);

    public Task<CommitInfo> ResolveAsync(string reference) => Versions.ResolveAsync(CommitRef.Parse(reference), CancellationToken.None);

    /// <summary>The bytes of the file a REPO@REF:/PATH reference names.</summary>
    public async Task<byte[]> ReadAsync(string reference)
    {
        var parsed = CommitRef.Parse(reference);
        var commit = await Versions.ResolveAsync(parsed, CancellationToken.None);
        var entry = await Versions.GetExistingEntryAsync(commit, parsed.NormalizedPath, CancellationToken.None);
        return await Content.ReadAllAsync(entry.Content, CancellationToken.None);
    }

    public async Task<string> ReadTextAsync(string reference) => Encoding.UTF8.GetString(await ReadAsync(reference));

    /// <summary>The paths of every file in a commit, in name order.</summary>
    public async Task<IReadOnlyList<string>> FilesAsync(CommitInfo commit)
    {
        var root = (await Versions.GetEntryAsync(commit, "", CancellationToken.None))!;
        var files = new List<string>();
        await foreach (var (path, _) in Versions.WalkFilesAsync("", root, CancellationToken.None))
        {
            files.Add(path);
        }

        return files;
    }

    /// <summary>The commit ids from <paramref name="head"/> back to the first commit.</summary>
    public async Task<IReadOnlyList<string>> ChainAsync(CommitInfo head)
    {
        var chain = new List<string> { head.Id };
        for (var parent = head.Parent; parent is not null;)
        {
            chain.Add(parent);
            parent = (await Versions.GetCommitAsync(head.Repo, parent, CancellationToken.None)).Parent;
        }

        return chain;
    }

    public void Dispose() => temp.Dispose();
}
