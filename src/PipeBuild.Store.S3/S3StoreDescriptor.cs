namespace PipeBuild.Store.S3;

/// <summary>
/// <c>pipebuild-store.json</c> at the store's prefix: what the first user of the store found out about the server,
/// so every later command and every machine uses the same compare-and-swap method without probing again.
/// </summary>
internal sealed record S3StoreDescriptor(int Format, S3WriteMode Writes, DateTimeOffset Probed)
{
    public const string Key = "pipebuild-store.json";
    public const int CurrentFormat = 1;
}
