namespace PipeBuild.Store;

/// <summary>
/// A commit: an immutable snapshot of a repo once <see cref="Finished"/> is set. The id is 32 hex digits of
/// the SHA-256 of the commit's header (repo, branch, parent, start time, nonce), so it is known from the
/// moment the commit starts and can be named while files are still being added. A finished commit carries its
/// <see cref="Seal"/>, a hash of all its fields and its parent's seal (<see cref="CommitSeal"/>), so an edit of its
/// document, or of any commit before it, is found when it is read.
/// </summary>
public sealed record CommitInfo
{
    public required string Id { get; init; }

    public required string Repo { get; init; }

    public required string Branch { get; init; }

    public string? Parent { get; init; }

    /// <summary>The parent's <see cref="Seal"/> when this commit was made; null for a root, or a parent from before seals.</summary>
    public string? ParentSeal { get; init; }

    /// <summary>Root tree hash.</summary>
    public required string Tree { get; init; }

    /// <summary>Total bytes of the files in the commit.</summary>
    public long Size { get; init; }

    public DateTimeOffset Started { get; init; }

    public DateTimeOffset? Finished { get; init; }

    /// <summary>Who made it: <c>user</c>, or <c>pipeline:NAME</c> for a job's output.</summary>
    public string Origin { get; init; } = "user";

    public string? Description { get; init; }

    public IReadOnlyList<CommitProvenance> Provenance { get; init; } = [];

    /// <summary><see cref="CommitSeal.Of"/> this commit, set when it is finished; null while open, and in commits made before seals (store format 1).</summary>
    public string? Seal { get; init; }

    public bool IsOpen => Finished is null;

    /// <summary>The commit's root folder as a tree entry, for walks that start at it (not stored: it is Tree and Size).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public TreeEntry Root => new("", EntryKind.Directory, Size, Tree);
}
