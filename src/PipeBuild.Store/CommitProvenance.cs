namespace PipeBuild.Store;

/// <summary>An input commit that an output commit was computed from.</summary>
public sealed record CommitProvenance(string Repo, string Branch, string Commit);
