namespace PipeBuild.Store;

/// <summary>What <c>fsck</c> checked and every problem it found.</summary>
public sealed record FsckReport(int Commits, int Objects, IReadOnlyList<string> Problems)
{
    public bool IsClean => Problems.Count == 0;
}
