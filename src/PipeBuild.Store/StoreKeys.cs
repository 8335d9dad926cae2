namespace PipeBuild.Store;

/// <summary>The key layout inside an <see cref="IObjectStore"/> (the same locally and on S3).</summary>
public static class StoreKeys
{
    /// <summary>The store's format version (<see cref="StoreFormat"/>).</summary>
    public const string Format = "format";

    public const string ObjectsPrefix = "objects/";
    public const string ReposPrefix = "repos/";

    /// <summary>Content objects fan out on the first two hex digits, as git does, to keep folders small.</summary>
    public static string Object(string hash) => $"objects/{hash[..2]}/{hash[2..]}";

    public static string HashOfObjectKey(string key) => key[8..10] + key[11..];

    public static string Repo(string repo) => ReposPrefix + repo;

    public static string Branch(string repo, string branch) => $"refs/{repo}/{branch}";

    public static string BranchesOf(string repo) => $"refs/{repo}/";

    public static string Commit(string repo, string id) => $"commits/{repo}/{id}";

    public static string CommitsOf(string repo) => $"commits/{repo}/";

    public static string OpenCommit(string repo, string id) => $"open/{repo}/{id}";

    public static string OpenCommitsOf(string repo) => $"open/{repo}/";

    /// <summary>A commit a branch was moved off (<see cref="KeptCommitDocument"/>): gc keeps it and its history, as a rollback may be undone.</summary>
    public static string KeptCommit(string repo, string id) => $"kept/{repo}/{id}";

    public static string KeptCommitsOf(string repo) => $"kept/{repo}/";

    /// <summary>The trigger set on a branch (<see cref="Core.BranchTrigger"/>); absent for a branch without one, which is every branch of older stores.</summary>
    public static string Trigger(string repo, string branch) => $"triggers/{repo}/{branch}";

    public static string TriggersOf(string repo) => $"triggers/{repo}/";

    /// <summary>A commit id is 32 lowercase hex digits (docs/store-format.md): anything else in a commit's place is damage, never a key to follow.</summary>
    public static bool IsCommitId(string id) => id.Length == 32 && id.All(char.IsAsciiHexDigitLower);

    /// <summary>Whether <paramref name="key"/> is shaped as <see cref="Object"/> makes them (fsck and gc meet anything else in the objects folder).</summary>
    public static bool IsObjectKey(string key) =>
        key.Length == 73 && key.StartsWith(ObjectsPrefix, StringComparison.Ordinal) && key[10] == '/' && HashOfObjectKey(key).All(char.IsAsciiHexDigitLower);

}
