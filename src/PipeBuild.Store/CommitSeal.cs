using System.Globalization;
using System.Text;
using PipeBuild.Core;

namespace PipeBuild.Store;

/// <summary>
/// The seal of a finished commit, as git's commit hash is (docs/store-format.md#sealed-commits): the SHA-256 of a
/// canonical text of every field, the parent's seal included, so editing a commit document (its tree, its parent, its
/// id) or any commit before it is found by the next read instead of silently changing history. Not a signature: it
/// catches damage and hand edits, not someone who recomputes it.
/// </summary>
public static class CommitSeal
{
    private const string Version = "pipebuild-commit-v1";

    /// <summary>The seal of <paramref name="commit"/>'s fields (its own <see cref="CommitInfo.Seal"/> aside).</summary>
    public static string Of(CommitInfo commit)
    {
        var text = new StringBuilder(Version).Append('\n');
        Field(text, "id", commit.Id);
        Field(text, "repo", commit.Repo);
        Field(text, "branch", commit.Branch);
        Field(text, "parent", commit.Parent);
        Field(text, "parent-seal", commit.ParentSeal);
        Field(text, "tree", commit.Tree);
        Field(text, "size", commit.Size.ToString(CultureInfo.InvariantCulture));
        Field(text, "started", commit.Started.ToString("O", CultureInfo.InvariantCulture));
        Field(text, "finished", commit.Finished?.ToString("O", CultureInfo.InvariantCulture));
        Field(text, "origin", commit.Origin);
        Field(text, "description", commit.Description);
        foreach (var input in commit.Provenance)
        {
            Field(text, "provenance-repo", input.Repo);
            Field(text, "provenance-branch", input.Branch);
            Field(text, "provenance-commit", input.Commit);
        }

        return ContentHash.Of(Encoding.UTF8.GetBytes(text.ToString()));
    }

    /// <summary><paramref name="commit"/> with its seal set.</summary>
    public static CommitInfo Seal(CommitInfo commit) => commit with { Seal = Of(commit) };

    /// <summary>
    /// Reads the commit document stored under <paramref name="key"/> as commit <paramref name="id"/> of
    /// <paramref name="repo"/>: a document that names another commit, or whose seal does not match its fields, is
    /// damaged (<see cref="ErrorCodes.Corrupt"/>, naming the key).
    /// </summary>
    public static CommitInfo Read(ReadOnlySpan<byte> data, string key, string repo, string id)
    {
        var commit = StoreJson.Deserialize<CommitInfo>(data, key);
        if (commit.Id != id || commit.Repo != repo)
        {
            throw StoreJson.Damaged(key, $"it names commit {commit.Id} of repo '{commit.Repo}'");
        }

        if (commit.Parent is { } parent && !StoreKeys.IsCommitId(parent))
        {
            throw StoreJson.Damaged(key, $"its parent '{parent}' is not a commit id");
        }

        if (commit.Seal is { } seal && seal != Of(commit))
        {
            throw StoreJson.Damaged(key, "its fields no longer match its seal: it was edited after it was made");
        }

        return commit;
    }

    // "NAME LENGTH VALUE" (LENGTH in UTF-8 bytes) or "NAME -" for none: no value can pass for another field.
    private static void Field(StringBuilder text, string name, string? value) =>
        (value is null ? text.Append(name).Append(" -") : text.Append(name).Append(' ').Append(Encoding.UTF8.GetByteCount(value)).Append(' ').Append(value)).Append('\n');
}
