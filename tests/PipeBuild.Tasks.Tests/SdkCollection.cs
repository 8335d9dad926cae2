namespace PipeBuild.Tasks.Tests;

/// <summary>
/// The test classes that use the packed SDK: one pack for all of them, and they run one after the other (two packs
/// of the same project at once would race on its intermediate folder).
/// </summary>
[CollectionDefinition(Name)]
public sealed class SdkCollection : ICollectionFixture<SdkFeed>
{
    public const string Name = "PipeBuild.Sdk from a folder feed";
}
