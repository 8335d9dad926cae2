namespace PipeBuild.Engine;

/// <summary>A datum of a job (<c>datum list</c>): its id, what it read, its result key and what happened to it.</summary>
public sealed record JobDatum(string Id, string Description, string Hash, DatumState State, string? LogHash = null)
{
    /// <summary>
    /// The <see cref="Description"/> (<c>name:/path, name:/path</c>, <see cref="Datum.Describe()"/>) as input name and
    /// matched path pairs; cut where a known input name starts, so a path holding ", " stays whole.
    /// </summary>
    public IReadOnlyList<(string Input, string Path)> MatchedPaths(IEnumerable<string> inputNames)
    {
        var starts = new List<(int At, string Name)>();
        foreach (var name in inputNames)
        {
            for (var at = Description.IndexOf(name + ":/", StringComparison.Ordinal); at >= 0; at = Description.IndexOf(name + ":/", at + 1, StringComparison.Ordinal))
            {
                if (at == 0 || Description.AsSpan(0, at).EndsWith(", ", StringComparison.Ordinal))
                {
                    starts.Add((at, name));
                }
            }
        }

        starts.Sort((a, b) => a.At.CompareTo(b.At));
        var matches = new List<(string, string)>();
        for (var i = 0; i < starts.Count; i++)
        {
            var from = starts[i].At + starts[i].Name.Length + 2;
            var to = i + 1 < starts.Count ? starts[i + 1].At - 2 : Description.Length;
            matches.Add((starts[i].Name, Description[from..Math.Max(from, to)]));
        }

        return matches;
    }
}

