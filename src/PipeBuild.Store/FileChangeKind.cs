namespace PipeBuild.Store;

public enum FileChangeKind
{
    Added,
    Removed,
    Modified,
}
