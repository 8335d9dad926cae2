using PipeBuild.Core;

namespace PipeBuild.S3Gateway;

/// <summary>
/// A bucket name as Pachyderm's S3 gateway reads it: <c>BRANCH.REPO</c> (the branch's head; writes commit to the
/// branch) or <c>COMMIT.BRANCH.REPO</c> (a fixed commit, read-only). Repo and branch names have no dots, so the
/// split is unambiguous.
/// </summary>
internal sealed record S3Bucket(string Name, string Repo, string Branch, string? Commit)
{
    public bool IsReadOnly => Commit is not null;

    public static S3Bucket Parse(string name)
    {
        var parts = name.Split('.');
        if (parts.Length is < 2 or > 3 || !parts.All(Names.IsValid) || (parts.Length == 3 && !parts[0].All(char.IsAsciiHexDigit)))
        {
            throw new S3Exception(400, "InvalidBucketName", $"The specified bucket is not valid: '{name}'. Name a branch as BRANCH.REPO, or a commit as COMMIT.BRANCH.REPO.");
        }

        return parts.Length == 2 ? new S3Bucket(name, parts[1], parts[0], null) : new S3Bucket(name, parts[2], parts[1], parts[0]);
    }
}
