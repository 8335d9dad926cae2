namespace PipeBuild.Core;

/// <summary>
/// Paths inside a repo. The canonical form has no leading or trailing '/', and "" is the root; "/a//b/" and
/// "a/b" are the same path. Segments "." and "..", control characters, '\' and names that were not valid
/// UTF-8 are refused, so a repo path can never name anything outside the tree it is resolved against.
/// </summary>
public static class RepoPath
{
    public const string Root = "";

    /// <summary>The longest name of one segment, in UTF-8 bytes: NAME_MAX of Linux and macOS (Windows allows 255 UTF-16 units).</summary>
    public const int MaxNameBytes = 255;

    public static string Normalize(string? path)
    {
        if (string.IsNullOrEmpty(path))
        {
            return Root;
        }

        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        foreach (var segment in segments)
        {
            ValidateSegment(segment, path);
        }

        return string.Join('/', segments);
    }

    /// <summary>Throws unless <paramref name="name"/> is a valid single path segment.</summary>
    public static void ValidateSegment(string name, string? fullPath = null)
    {
        if (SegmentProblem(name) is { } problem)
        {
            throw new PipeException(problem.Code, $"invalid path '{fullPath ?? name}': {problem.Message}");
        }
    }

    /// <summary>Whether <paramref name="name"/> is a valid single path segment (what a tree entry may be named).</summary>
    public static bool IsValidSegment(string name) => SegmentProblem(name) is null;

    public static string Combine(string parent, string child) =>
        parent.Length == 0 ? child : child.Length == 0 ? parent : parent + "/" + child;

    public static string Parent(string path)
    {
        var slash = path.LastIndexOf('/');
        return slash < 0 ? Root : path[..slash];
    }

    /// <summary>
    /// Orders paths as a depth-first walk in name order visits them: a directory before what it holds, siblings by
    /// ordinal name ("a", "a/b", "a-c": '/' sorts before every other character).
    /// </summary>
    public static int CompareWalkOrder(string x, string y)
    {
        var length = Math.Min(x.Length, y.Length);
        var common = x.AsSpan(0, length).CommonPrefixLength(y.AsSpan(0, length));
        if (common == length)
        {
            return x.Length.CompareTo(y.Length);
        }

        var (a, b) = (x[common], y[common]);
        return a == '/' ? -1 : b == '/' ? 1 : a.CompareTo(b);
    }

    public static string Name(string path) => path[(path.LastIndexOf('/') + 1)..];

    /// <summary>The display form used in output: always with a leading '/'.</summary>
    public static string Display(string path) => "/" + path;

    private static (string Code, string Message)? SegmentProblem(string name)
    {
        if (name is "." or ".." || name.Length == 0)
        {
            return (ErrorCodes.InvalidPath, "'.' and '..' segments are not allowed in a repo path.");
        }

        if (name.Contains('\uFFFD') || HasLoneSurrogate(name))
        {
            return (ErrorCodes.NonUtf8Name, "the name is not valid UTF-8; rename the file.");
        }

        if (System.Text.Encoding.UTF8.GetByteCount(name) > MaxNameBytes)
        {
            return (ErrorCodes.InvalidPath, $"a name may have at most {MaxNameBytes} bytes (UTF-8), as on every common file system, so that 'file get' can write it.");
        }

        foreach (var c in name)
        {
            if (char.IsControl(c) || c == '\\' || c == '/')
            {
                return (ErrorCodes.InvalidPath, "control characters and '\\' are not allowed in names.");
            }
        }

        return null;
    }

    private static bool HasLoneSurrogate(string s)
    {
        for (var i = 0; i < s.Length; i++)
        {
            if (char.IsHighSurrogate(s[i]))
            {
                if (i + 1 >= s.Length || !char.IsLowSurrogate(s[i + 1]))
                {
                    return true;
                }

                i++;
            }
            else if (char.IsLowSurrogate(s[i]))
            {
                return true;
            }
        }

        return false;
    }
}
