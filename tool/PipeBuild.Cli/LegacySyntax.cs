namespace PipeBuild.Cli;

/// <summary>
/// Accepts pachctl's older spellings by rewriting them to the noun-verb form before parsing:
/// v2 verb-noun (<c>put file</c>, <c>create repo</c>) and v1 hyphenated verbs with positional
/// <c>REPO BRANCH [PATH]</c> (<c>put-file training master iris.csv</c>).
/// </summary>
internal static class LegacySyntax
{
    private static readonly HashSet<string> Nouns = ["repo", "file", "commit", "branch", "pipeline", "job", "datum"];

    private static readonly HashSet<string> Verbs =
        ["create", "list", "inspect", "delete", "put", "get", "glob", "diff", "start", "stop", "finish", "wait", "update", "restart", "kill", "logs", "convert", "copy"];

    /// <summary>Options whose next token is their value, so it is not a positional argument.</summary>
    private static readonly HashSet<string> ValueOptions =
    [
        "-f", "--file", "--split", "--target-file-datums", "--target-file-bytes", "--header-records", "--head", "--output",
        "-m", "--message", "--description", "-d", "--workspace", "-n", "--number", "--timeout", "--grace", "--store", "--default-branch", "--history",
    ];

    public static string[] Rewrite(string[] args)
    {
        if (args.Length == 0)
        {
            return args;
        }

        var dash = args[0].IndexOf('-');
        if (dash > 0 && Verbs.Contains(args[0][..dash]) && Nouns.Contains(args[0][(dash + 1)..]))
        {
            var verb = args[0][..dash];
            var noun = args[0][(dash + 1)..];
            return [noun, verb, .. JoinPositionalReference(args[1..], getTakesOutputValue: verb == "get")];
        }

        if (args.Length >= 2 && Verbs.Contains(args[0]) && Nouns.Contains(args[1]))
        {
            return [args[1], args[0], .. args[2..]];
        }

        return args;
    }

    /// <summary>v1 named a file as three words, REPO BRANCH-OR-COMMIT PATH; join them into REPO@REF:PATH.</summary>
    private static string[] JoinPositionalReference(string[] rest, bool getTakesOutputValue)
    {
        var positions = new List<int>();
        for (var i = 0; i < rest.Length; i++)
        {
            var token = rest[i];
            if (token.StartsWith('-') && token.Length > 1)
            {
                if (!token.Contains('=') && (ValueOptions.Contains(token) || (getTakesOutputValue && token == "-o")))
                {
                    i++;
                }

                continue;
            }

            positions.Add(i);
        }

        if (positions.Count < 2 || rest[positions[0]].Contains('@'))
        {
            return rest;
        }

        var reference = $"{rest[positions[0]]}@{rest[positions[1]]}" + (positions.Count > 2 ? ":" + rest[positions[2]] : "");
        var used = positions.Take(3).ToHashSet();
        return [reference, .. rest.Where((_, i) => !used.Contains(i))];
    }
}
