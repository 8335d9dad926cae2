namespace PipeBuild.Engine.Tests;

/// <summary>
/// A claim held with no job (a spout's or service's process under watch) is renewed, so another machine sharing the
/// store sees it live; once another process has taken it over, renewing fails and releasing it leaves theirs alone.
/// </summary>
public sealed class PipelineClaimTests : IDisposable
{
    private readonly EngineFixture fx = new();

    [Fact]
    public async Task A_claim_is_renewed_in_place_and_a_renewal_after_a_take_over_fails_without_touching_the_new_holders()
    {
        var key = EngineKeys.Claim("my-spout");
        var claim = await PipelineClaim.TryTakeAsync(fx.Store.Objects, fx.Engine.Jobs, "my-spout", default);
        Assert.NotNull(claim);
        var taken = (await fx.Store.Objects.ReadDocumentAsync(key, default))!;

        Assert.True(await claim.RenewAsync(default, every: TimeSpan.FromHours(1))); // not due: nothing written
        Assert.Equal(taken.Version, (await fx.Store.Objects.ReadDocumentAsync(key, default))!.Version);
        Assert.True(await claim.RenewAsync(default, every: TimeSpan.Zero));
        var renewed = (await fx.Store.Objects.ReadDocumentAsync(key, default))!;
        Assert.NotEqual(taken.Version, renewed.Version);

        // Another process found it gone and took it over.
        await fx.Store.Objects.TryDeleteDocumentAsync(key, renewed.Version, default);
        var theirs = await PipelineClaim.TryTakeAsync(fx.Store.Objects, fx.Engine.Jobs, "my-spout", default);
        Assert.NotNull(theirs);

        Assert.False(await claim.RenewAsync(default, every: TimeSpan.Zero));
        await claim.DisposeAsync();
        Assert.NotNull(await fx.Store.Objects.ReadDocumentAsync(key, default));
        await theirs.DisposeAsync();
        Assert.Null(await fx.Store.Objects.ReadDocumentAsync(key, default));
    }

    public void Dispose() => fx.Dispose();
}
