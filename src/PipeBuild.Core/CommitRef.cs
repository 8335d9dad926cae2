namespace PipeBuild.Core;

/// <summary>
/// A parsed reference <c>repo[@base[^N|~N|.N]...][:path]</c>. The base is a branch name or a (prefix of
/// a) commit id; which one is decided when it is resolved against a store.
/// </summary>
public sealed record CommitRef(string Repo, string Base, IReadOnlyList<AncestryStep> Steps, string? Path)
{
    public const string DefaultBranch = "master";

    /// <summary>True when the reference names its base as is (no <c>^</c>, <c>~</c> or <c>.N</c>).</summary>
    public bool IsPlain => Steps.Count == 0;

    /// <summary>The path inside the repo in canonical form ("" when none was given).</summary>
    public string NormalizedPath => RepoPath.Normalize(Path);

    public static CommitRef Parse(string text, string? defaultBase = DefaultBranch)
    {
        ArgumentNullException.ThrowIfNull(text);
        string? path = null;
        var colon = text.IndexOf(':');
        var head = text;
        if (colon >= 0)
        {
            path = text[(colon + 1)..];
            head = text[..colon];
        }

        var at = head.IndexOf('@');
        var repo = at >= 0 ? head[..at] : head;
        Names.Validate(repo, "repo");
        if (at < 0)
        {
            if (defaultBase is null)
            {
                throw Invalid(text, "expected REPO@BRANCH or REPO@COMMIT");
            }

            return new CommitRef(repo, defaultBase, [], path);
        }

        var reference = head[(at + 1)..];
        var end = reference.IndexOfAny(['^', '~', '.']);
        var baseName = end < 0 ? reference : reference[..end];
        if (!Names.IsValid(baseName))
        {
            throw Invalid(text, $"'{baseName}' is not a valid branch name or commit id");
        }

        var steps = new List<AncestryStep>();
        var i = end < 0 ? reference.Length : end;
        while (i < reference.Length)
        {
            var op = reference[i++];
            var start = i;
            while (i < reference.Length && char.IsAsciiDigit(reference[i]))
            {
                i++;
            }

            var digits = reference[start..i];
            int count;
            if (digits.Length == 0)
            {
                if (op == '.')
                {
                    throw Invalid(text, "'.' must be followed by a number, as in master.1");
                }

                count = 1;
            }
            else if (!int.TryParse(digits, out count) || (op == '.' && count < 1))
            {
                throw Invalid(text, $"'{op}{digits}' is not a valid ancestry step");
            }

            steps.Add(new AncestryStep(op == '.', count));
            if (i < reference.Length && reference[i] is not ('^' or '~' or '.'))
            {
                throw Invalid(text, $"unexpected '{reference[i]}'");
            }
        }

        return new CommitRef(repo, baseName, steps, path);
    }

    public override string ToString()
    {
        var steps = string.Concat(Steps.Select(s => s.ToString()));
        return Path is null ? $"{Repo}@{Base}{steps}" : $"{Repo}@{Base}{steps}:{Path}";
    }

    private static PipeException Invalid(string text, string why) =>
        new(ErrorCodes.InvalidReference, $"invalid reference '{text}': {why}. Use REPO@BRANCH[^N][:PATH], for example csv_data@master^:/housing.csv.");
}
