namespace PipeBuild.Store;

/// <summary>One part of a large directory (<see cref="TreeListing"/>): its tree object, total size, entry count and last name.</summary>
public sealed record TreePart(string Hash, long Size, int Count, string LastName);
