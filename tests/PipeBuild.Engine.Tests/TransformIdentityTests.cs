using System.Text;
using PipeBuild.Core.Pipelines;

namespace PipeBuild.Engine.Tests;

/// <summary>What is and is not part of the transform identity for TransformPackages.</summary>
public sealed class TransformIdentityTests
{
    private static readonly PipelineSpec Spec = EngineFixture.Shell("shout", "shout /pfs/in /pfs/out", new PfsInput("in", "/*"));

    [Fact]
    public void A_package_version_or_content_hash_changes_the_identity_and_the_install_path_does_not()
    {
        var v1 = Spec with { TransformPackages = [new TransformPackage("Pipe.Shout", "1.0.0") { ContentHash = "aaa=", Tools = [new TransformTool("shout", "/a/shout.dll", "dotnet")] }] };
        var moved = Spec with { TransformPackages = [v1.TransformPackages[0] with { Tools = [new TransformTool("shout", "/b/shout.dll", "dotnet")] }] };
        var rebuilt = Spec with { TransformPackages = [v1.TransformPackages[0] with { ContentHash = "bbb=" }] };
        var v2 = Spec with { TransformPackages = [new TransformPackage("Pipe.Shout", "2.0.0") { ContentHash = "aaa=" }] };

        Assert.Equal(TransformIdentity.Compute(v1), TransformIdentity.Compute(moved));
        Assert.NotEqual(TransformIdentity.Compute(v1), TransformIdentity.Compute(rebuilt));
        Assert.NotEqual(TransformIdentity.Compute(v1), TransformIdentity.Compute(v2));
        Assert.NotEqual(TransformIdentity.Compute(Spec), TransformIdentity.Compute(v1));
    }

    [Fact]
    public void A_pipeline_stored_before_packages_existed_reads_back_with_none_and_the_same_identity()
    {
        var document = new PipelineDocument { Name = Spec.Name, InputRepos = ["in"], Spec = Spec };
        var json = Encoding.UTF8.GetString(EngineJson.Serialize(document)).Replace("\"transformPackages\":[],", "", StringComparison.Ordinal);
        Assert.DoesNotContain("transformPackages", json, StringComparison.Ordinal);

        var read = EngineJson.Deserialize<PipelineDocument>(Encoding.UTF8.GetBytes(json));

        Assert.Empty(read.Spec.TransformPackages);
        Assert.Equal(document.EffectiveIdentity(), read.EffectiveIdentity());
    }
}
