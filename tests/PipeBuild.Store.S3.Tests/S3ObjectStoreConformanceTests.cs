namespace PipeBuild.Store.S3.Tests;

/// <summary>The store conformance suite, unchanged, on s3rver: each test on a fresh prefix of the test bucket.</summary>
public sealed class S3ObjectStoreConformanceTests : PipeBuild.Store.Tests.ObjectStoreConformanceTests
{
    protected override Task<IObjectStore> CreateStoreAsync()
    {
        S3TestServer.Require();
        return Task.FromResult<IObjectStore>(S3TestServer.NewStore("conformance"));
    }
}
