namespace PipeBuild.Store.S3.Tests;

/// <summary>The egress conformance suite, unchanged, on s3rver: each test on a fresh prefix of the test bucket.</summary>
public sealed class S3EgressConformanceTests : PipeBuild.Store.Tests.EgressTargetConformanceTests
{
    protected override Task<(IEgressTarget Target, IObjectStore Reader)> CreateAsync()
    {
        S3TestServer.Require();
        var options = S3TestServer.Options(S3TestServer.NewUrl("egress"));
        return Task.FromResult<(IEgressTarget, IObjectStore)>((new S3Egress(options), new S3ObjectStore(options)));
    }
}
