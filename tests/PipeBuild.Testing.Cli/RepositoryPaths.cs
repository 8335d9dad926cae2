namespace PipeBuild.Testing;

/// <summary>Where the checkout's folders are, found from the test assembly's location.</summary>
public static class RepositoryPaths
{
    /// <summary>The folder holding PipeBuild.sln.</summary>
    public static string Root { get; } = FindRoot();

    public static string Combine(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "PipeBuild.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("PipeBuild.sln not found above " + AppContext.BaseDirectory);
    }
}
