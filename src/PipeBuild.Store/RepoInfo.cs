namespace PipeBuild.Store;

/// <summary>A repo's own record; branches and commits live under their own keys.</summary>
public sealed record RepoInfo(string Name, DateTimeOffset Created, string? Description);
