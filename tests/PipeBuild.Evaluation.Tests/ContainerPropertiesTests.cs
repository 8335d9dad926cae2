using PipeBuild.Core;
using PipeBuild.Core.Pipelines;

namespace PipeBuild.Evaluation.Tests;

/// <summary>
/// Network, Cpus, Memory, WorkingDir and User: in a .pipeproj, from Pachyderm's resource_limits and transform, and
/// written back by convert.
/// </summary>
public sealed class ContainerPropertiesTests : IDisposable
{
    private readonly TestFiles files = new();

    [Theory]
    [InlineData("<Cpus>1.5</Cpus><Memory>512Mi</Memory><Network>bridge</Network>", 1.5, 512L << 20, "bridge")]
    [InlineData("<Cpus>500m</Cpus><Memory>2G</Memory>", 0.5, 2_000_000_000L, null)]
    [InlineData("<Cpus>2</Cpus><Memory>1048576</Memory><Network>host</Network>", 2.0, 1L << 20, "host")]
    [InlineData("<Memory>1.5Gi</Memory>", null, 3L << 29, null)]
    [InlineData("", null, null, null)]
    public void A_pipeproj_sets_the_containers_limits_and_network(string properties, double? cpus, long? memory, string? network)
    {
        var spec = PipeprojEvaluator.Evaluate(Pipeproj(properties));

        Assert.Equal(cpus, spec.Cpus);
        Assert.Equal(memory, spec.Memory);
        Assert.Equal(network, spec.Network);
    }

    [Theory]
    [InlineData("<Cpus>lots</Cpus>", "Cpus 'lots' is not a CPU count.", "millicores (500m)")]
    [InlineData("<Cpus>0</Cpus>", "Cpus '0' is not a CPU count.", "millicores (500m)")]
    [InlineData("<Memory>2 GB</Memory>", "Memory '2 GB' is not a memory size.", "512Mi or 2G")]
    [InlineData("<Memory>64m</Memory>", "Memory '64m' is not a memory size.", "512Mi or 2G")]
    [InlineData("<Network>my net</Network>", "Network 'my net' is not a network name.", "none (the default)")]
    [InlineData("<WorkingDir>code</WorkingDir>", "WorkingDir 'code' is not an absolute path.", "as in /code")]
    [InlineData("<User>app user</User>", "User 'app user' is not a user.", "1000:1000 or nobody")]
    [InlineData("<User>1000:</User>", "User '1000:' is not a user.", "1000:1000 or nobody")]
    public void A_bad_value_is_PIPE2002_at_the_property(string properties, string message, string hint)
    {
        var e = Assert.Throws<PipeException>(() => PipeprojEvaluator.Evaluate(Pipeproj(properties)));

        Assert.Equal(ErrorCodes.InvalidPipelineValue, e.Code);
        Assert.Contains($"p.pipeproj(3,", e.Message);
        Assert.Contains(message, e.Message);
        Assert.Contains(hint, e.Message);
    }

    [Theory]
    [InlineData("<WorkingDir> /code </WorkingDir><User>1000:1000</User>", "/code", "1000:1000")]
    [InlineData("<User>nobody</User>", null, "nobody")]
    [InlineData("", null, null)]
    public void A_pipeproj_sets_the_transforms_working_dir_and_user(string properties, string? workingDir, string? user)
    {
        var spec = PipeprojEvaluator.Evaluate(Pipeproj(properties));

        Assert.Equal((workingDir, user), (spec.WorkingDir, spec.User));
        Assert.Equal(Path.Combine(files.Root, "p"), spec.WorkingDirectory); // the local executor's default, as before
    }

    [Fact]
    public void The_USER_environment_variable_is_not_a_User()
    {
        var before = Environment.GetEnvironmentVariable("USER");
        Environment.SetEnvironmentVariable("USER", "someone-else");
        try
        {
            Assert.Null(PipeprojEvaluator.Evaluate(Pipeproj("<Cpus>1</Cpus>")).User);
        }
        finally
        {
            Environment.SetEnvironmentVariable("USER", before);
        }
    }

    [Theory]
    [InlineData("\"working_dir\": \"/code\", \"user\": \"1000\"", "/code", "1000")]
    [InlineData("\"user\": \"app:staff\"", null, "app:staff")]
    public void Pachyderm_working_dir_and_user_are_read(string fields, string? workingDir, string? user)
    {
        var spec = Assert.Single(PachydermSpecReader.Parse($"{{\"pipeline\": {{\"name\": \"x\"}}, \"transform\": {{\"cmd\": [\"x\"], {fields}}}, \"input\": {{\"pfs\": {{\"repo\": \"a\"}}}}}}"));

        Assert.Equal((workingDir, user), (spec.WorkingDir, spec.User));
    }

    [Theory]
    [InlineData("\"working_dir\": \"code\"", "spec.json(1,72): 'transform.working_dir' 'code' is not an absolute path.")]
    [InlineData("\"working_dir\": 1", "'transform.working_dir' must be a string, not")]
    [InlineData("\"user\": \"\"", "spec.json(1,65): 'transform.user' '' is not a user.")]
    [InlineData("\"user\": \"app user\"", "'transform.user' 'app user' is not a user.")]
    public void Bad_working_dir_or_user_is_PIPE2002_naming_the_field(string fields, string message)
    {
        var e = Assert.Throws<PipeException>(() => PachydermSpecReader.Parse($"{{\"pipeline\": {{\"name\": \"x\"}}, \"transform\": {{\"cmd\": [\"x\"], {fields}}}, \"input\": {{\"pfs\": {{\"repo\": \"a\"}}}}}}"));

        Assert.Equal(ErrorCodes.InvalidPipelineValue, e.Code);
        Assert.Contains(message, e.Message);
    }

    [Theory]
    [InlineData("{\"cpu\": 0.5, \"memory\": \"64Mi\"}", 0.5, 64L << 20)]
    [InlineData("{\"cpu\": \"250m\", \"memory\": \"1G\", \"gpu\": {\"type\": \"nvidia.com/gpu\", \"number\": 1}}", 0.25, 1_000_000_000L)]
    [InlineData("{\"memory\": 4096}", null, 4096L)]
    public void Pachyderm_resource_limits_become_the_containers_limits(string limits, double? cpus, long? memory)
    {
        var spec = Assert.Single(PachydermSpecReader.Parse($"{{\"pipeline\": {{\"name\": \"x\"}}, \"transform\": {{\"cmd\": [\"x\"]}}, \"input\": {{\"pfs\": {{\"repo\": \"a\"}}}}, \"resource_limits\": {limits}}}"));

        Assert.Equal(cpus, spec.Cpus);
        Assert.Equal(memory, spec.Memory);
    }

    [Theory]
    [InlineData("{\"cpu\": \"fast\"}", "'resource_limits.cpu' is not a CPU count: the string \"fast\".")]
    [InlineData("{\"memory\": true}", "'resource_limits.memory' is not a memory size: a boolean.")]
    [InlineData("{\"cpus\": 1}", "unknown or unsupported field 'resource_limits.cpus'")]
    public void Bad_resource_limits_are_refused(string limits, string message)
    {
        var e = Assert.Throws<PipeException>(() => PachydermSpecReader.Parse($"{{\"pipeline\": {{\"name\": \"x\"}}, \"transform\": {{\"cmd\": [\"x\"]}}, \"input\": {{\"pfs\": {{\"repo\": \"a\"}}}}, \"resource_limits\": {limits}}}"));

        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void Convert_writes_them_back_exactly()
    {
        var original = PipeprojEvaluator.Evaluate(Pipeproj("<Cpus>0.25</Cpus><Memory>1500000</Memory><Network>bridge</Network><Executor>docker</Executor><Image>x:1</Image>"));
        var text = PipeprojWriter.Write(original with { Name = "copy" }, Path.Combine(files.Root, "p"));

        var evaluated = PipeprojEvaluator.Evaluate(files.Write("p/copy.pipeproj", text));

        Assert.Contains("<Memory>1500000</Memory>", text, StringComparison.Ordinal);
        Assert.Equal((0.25, 1_500_000L, "bridge"), (evaluated.Cpus!.Value, evaluated.Memory!.Value, evaluated.Network));
        Assert.Contains("<Memory>512Mi</Memory>", PipeprojWriter.Write(original with { Memory = 512L << 20 }), StringComparison.Ordinal);
    }

    [Fact]
    public void Convert_writes_working_dir_and_user_back()
    {
        var original = Assert.Single(PachydermSpecReader.Parse("""{"pipeline": {"name": "copy"}, "transform": {"cmd": ["x"], "image": "x:1", "working_dir": "/code", "user": "1000:1000"}, "input": {"pfs": {"repo": "a"}}}"""));
        var text = PipeprojWriter.Write(original, Path.Combine(files.Root, "p"));

        var evaluated = PipeprojEvaluator.Evaluate(files.Write("p/copy.pipeproj", text));

        Assert.Contains("<WorkingDir>/code</WorkingDir>", text, StringComparison.Ordinal);
        Assert.Contains("<User>1000:1000</User>", text, StringComparison.Ordinal);
        Assert.Equal(("/code", "1000:1000"), (evaluated.WorkingDir, evaluated.User));
    }

    public void Dispose() => files.Dispose();

    private string Pipeproj(string properties) => files.Write("p/p.pipeproj", $"""
        <Project Sdk="PipeBuild.Sdk">
          <PropertyGroup>
            {properties}
            <Command>true</Command>
          </PropertyGroup>
          <ItemGroup>
            <PipeInput Include="split" Glob="/*" />
          </ItemGroup>
        </Project>
        """);
}
