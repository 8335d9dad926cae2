using System.Diagnostics;
using System.Globalization;
using System.Text;
using CliWrap;
using CliWrap.Buffered;

namespace PipeBuild.Executors.Docker.Tests;

/// <summary>
/// The docker executor through <c>dotnet pipe</c> as a user drives it: a Python/scikit-learn transform gives the
/// same results in the image as on the host; a crashed run's container is removed by the next; an engine that
/// is not there, an image that cannot be had or is not named, each is one PIPE61xx error with nothing stored.
/// </summary>
public sealed class DockerCliTests : IDisposable
{
    private const string Spec = """
        {
          "pipeline": {"name": "NAME"},
          "transform": {"image": "IMAGE", "cmd": ["sh", "-c", "SCRIPT"]},
          "input": {"pfs": {"repo": "data", "glob": "/*"}}
        }
        """;

    private const string TrainPipeproj = """
        <Project Sdk="PipeBuild.Sdk">
          <PropertyGroup>
            <Image>localhost/pipebuild-python:test</Image>
            <!-- /usr/bin/python3: Debian's, with the same packages in the image and on the host -->
            <Command>/usr/bin/python3 train.py /pfs/data/points.csv /pfs/out</Command>
          </PropertyGroup>
          <ItemGroup>
            <PipeInput Include="data" Glob="/" />
            <TransformFile Include="train.py" />
          </ItemGroup>
        </Project>
        """;

    private const string TrainPy = """
        import sys
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        import numpy as np
        import pandas as pd
        from sklearn.linear_model import LogisticRegression
        from sklearn.model_selection import train_test_split
        from sklearn.tree import DecisionTreeClassifier

        data = pd.read_csv(sys.argv[1])
        out = sys.argv[2]
        features = data[["x", "y"]]
        train_x, test_x, train_y, test_y = train_test_split(features, data["label"], test_size=0.3, random_state=0)
        tree = DecisionTreeClassifier(max_depth=3, random_state=0).fit(train_x, train_y)
        logistic = LogisticRegression(max_iter=1000).fit(train_x, train_y)
        with open(f"{out}/model.txt", "w") as f:
            f.write(f"tree accuracy {tree.score(test_x, test_y):.4f}\n")
            f.write(f"logistic accuracy {logistic.score(test_x, test_y):.4f}\n")
            f.write("coefficients " + " ".join(f"{c:.4f}" for c in logistic.coef_.ravel()) + "\n")
        grid = pd.DataFrame({"x": np.linspace(-4, 4, 9).repeat(9), "y": np.tile(np.linspace(-4, 4, 9), 9)})
        grid["tree"] = tree.predict(grid[["x", "y"]])
        grid["logistic"] = logistic.predict(grid[["x", "y"]])
        grid.to_csv(f"{out}/predictions.csv", index=False, float_format="%.2f")
        plt.scatter(data["x"], data["y"], c=data["label"])
        plt.savefig(f"{out}/points.png")
        print(f"trained on {len(train_x)} points")
        """;

    private readonly List<TempWorkspace> workspaces = [];

    [SkippableFact]
    public void A_python_sklearn_transform_gives_the_same_results_in_the_image_as_with_the_local_executor()
    {
        TestEngine.Require();
        RequiredComponent.Require(
            "Debian's python3 with pandas, scikit-learn and matplotlib on the host",
            HostPythonMissing(),
            "apt-get install python3-pandas python3-sklearn python3-matplotlib (eng/test.sh does).");

        var local = Train("local");
        var docker = Train("docker");

        Assert.Equal(local["model.txt"], docker["model.txt"]);
        Assert.Equal(local["predictions.csv"], docker["predictions.csv"]);
        Assert.Matches(@"^tree accuracy 0\.\d{4}\nlogistic accuracy 0\.\d{4}\ncoefficients( -?\d+\.\d{4}){6}\n$", docker["model.txt"]);
        Assert.Equal(82, docker["predictions.csv"].Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.StartsWith("\u0089PNG", docker["points.png"]);
        Assert.StartsWith("\u0089PNG", local["points.png"]);
    }

    [SkippableFact]
    public async Task The_next_run_removes_the_container_a_killed_run_left_behind()
    {
        TestEngine.Require();
        var ws = Workspace();
        var name = $"crash-{Guid.NewGuid():N}"[..20];
        ws.Write("slow.json", JsonSpec(name, TestEngine.Busybox, "sleep 300"));
        using var kill = new CancellationTokenSource();
        var run = ws.Command(["pipeline", "create", "-f", "slow.json", "--executor", "docker"]).ExecuteAsync(kill.Token, CancellationToken.None); // the forceful token: SIGKILL

        var clock = Stopwatch.StartNew();
        while ((await TestEngine.ContainersAsync("pipebuild.pipeline", name)).Count == 0)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(90), "no container appeared");
            await Task.Delay(200);
        }

        await kill.CancelAsync(); // no chance to clean up
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await run);
        var leftover = Assert.Single(await TestEngine.ContainersAsync("pipebuild.pipeline", name));

        ws.Write("slow.json", JsonSpec(name, TestEngine.Busybox, "echo done > /pfs/out/done.txt"));
        ws.Run("pipeline", "update", "-f", "slow.json", "--executor", "docker").ShouldSucceed();

        Assert.DoesNotContain(leftover.ID, (await TestEngine.ContainersAsync("pipebuild.pipeline", name)).Select(c => c.ID));
        Assert.Equal("done\n", ws.Run("file", "get", $"{name}@master:done.txt").ShouldSucceed().Stdout);
    }

    [Fact]
    public void An_engine_that_does_not_answer_is_one_error_with_a_hint_and_nothing_is_stored()
    {
        var ws = Workspace();
        ws.Write("p.json", JsonSpec("p", TestEngine.Busybox, "true"));
        var before = ws.StoreFingerprint();

        var socket = RunWithEngine(ws, "unix:///tmp/pipebuild-docker-tests/no-engine.sock", "pipeline", "create", "-f", "p.json", "--executor", "docker")
            .ShouldFailWith("PIPE6101");
        var tcp = RunWithEngine(ws, "tcp://127.0.0.1:9", "pipeline", "create", "-f", "p.json", "--executor", "docker").ShouldFailWith("PIPE6101");

        Assert.Contains("cannot reach the container engine at unix:///tmp/pipebuild-docker-tests/no-engine.sock", socket.Stderr);
        Assert.Contains("set DOCKER_HOST", socket.Stderr);
        Assert.Contains("podman system service", socket.Stderr);
        Assert.Contains("tcp://127.0.0.1:9", tcp.Stderr);
        Assert.Single(socket.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)); // one line, no stack trace
        Assert.Equal(before, ws.StoreFingerprint());
    }

    [Fact]
    public void A_docker_pipeline_without_an_image_is_refused()
    {
        var ws = Workspace();
        ws.Write("p.json", """{"pipeline": {"name": "p"}, "transform": {"cmd": ["true"]}, "input": {"pfs": {"repo": "data", "glob": "/*"}}}""");
        var before = ws.StoreFingerprint();

        var result = ws.Run("pipeline", "create", "-f", "p.json", "--executor", "docker").ShouldFailWith("PIPE6103");

        Assert.Contains("names no image", result.Stderr);
        Assert.Equal(before, ws.StoreFingerprint());
    }

    [SkippableFact]
    public void An_image_that_is_not_there_and_cannot_be_pulled_is_one_error()
    {
        TestEngine.Require();
        var ws = Workspace();
        ws.Write("p.json", JsonSpec("p", "localhost/pipebuild-no-such-image:test", "true"));
        var before = ws.StoreFingerprint();

        var result = ws.Run("pipeline", "create", "-f", "p.json", "--executor", "docker").ShouldFailWith("PIPE6102");

        Assert.Contains("image 'localhost/pipebuild-no-such-image:test' is not on the container engine and cannot be pulled", result.Stderr);
        Assert.Equal(before, ws.StoreFingerprint());
    }

    [SkippableFact]
    public async Task A_command_the_image_does_not_have_is_one_error_and_leaves_no_container()
    {
        TestEngine.Require();
        var ws = Workspace();
        ws.Write("p.json", """{"pipeline": {"name": "nopython"}, "transform": {"image": "localhost/pipebuild-busybox:test", "cmd": ["python3", "x.py"]}, "input": {"pfs": {"repo": "data", "glob": "/*"}}}""");

        var result = ws.Run("pipeline", "create", "-f", "p.json", "--executor", "docker").ShouldFailWith("PIPE6104");

        Assert.Contains("cannot start 'python3' in image 'localhost/pipebuild-busybox:test'", result.Stderr);
        Assert.Contains("executable file not found", result.Stderr);
        Assert.Empty(await TestEngine.ContainersAsync("pipebuild.pipeline", "nopython"));
    }

    public void Dispose()
    {
        foreach (var ws in workspaces)
        {
            ws.Dispose();
        }
    }

    private static string JsonSpec(string name, string image, string script) =>
        Spec.Replace("NAME", name, StringComparison.Ordinal).Replace("IMAGE", image, StringComparison.Ordinal).Replace("SCRIPT", script, StringComparison.Ordinal);

    private static PipeResult RunWithEngine(TempWorkspace ws, string dockerHost, params string[] args)
    {
        var result = ws.Command(args)
            .WithEnvironmentVariables(e => e.Set("PIPE_WORKSPACE", null).Set("DOTNET_NOLOGO", "1").Set("DOCKER_HOST", dockerHost))
            .ExecuteBufferedAsync().GetAwaiter().GetResult();
        return new PipeResult(result.ExitCode, result.StandardOutput, result.StandardError);
    }

    private static string? HostPythonMissing()
    {
        try
        {
            var check = CliWrap.Cli.Wrap("/usr/bin/python3").WithArguments(["-c", "import pandas, sklearn, matplotlib"])
                .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync().GetAwaiter().GetResult();
            return check.ExitCode == 0 ? null : check.StandardError.Trim().Split('\n')[^1];
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return "/usr/bin/python3 is not installed";
        }
    }

    /// <summary>A workspace with a data repo holding one file per test (a, b); the first datum's input.</summary>
    private TempWorkspace Workspace()
    {
        var ws = new TempWorkspace();
        workspaces.Add(ws);
        ws.Run("repo", "create", "data").ShouldSucceed();
        ws.Write("a.txt", "alpha\n");
        ws.Run("file", "put", "data@master:a.txt", "-f", "a.txt").ShouldSucceed();
        return ws;
    }

    /// <summary>Runs the training pipeline under <paramref name="executor"/> in a new workspace; its outputs by name.</summary>
    private Dictionary<string, string> Train(string executor)
    {
        var ws = new TempWorkspace();
        workspaces.Add(ws);
        ws.Write("train.py", TrainPy);
        ws.Write("train.pipeproj", TrainPipeproj);
        ws.Write("points.csv", Points());
        ws.Run("repo", "create", "data").ShouldSucceed();
        ws.Run("file", "put", "data@master:points.csv", "-f", "points.csv").ShouldSucceed();

        ws.Run("pipeline", "create", "-f", "train.pipeproj", "--executor", executor).ShouldSucceed();

        var outputs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in new[] { "model.txt", "predictions.csv", "points.png" })
        {
            var target = Path.Combine(ws.Root, "got-" + file);
            ws.Run("file", "get", $"train@master:{file}", "-o", target).ShouldSucceed();
            outputs[file] = Encoding.Latin1.GetString(File.ReadAllBytes(target));
        }

        Assert.Contains("trained on 105 points", ws.Run("job", "logs", JobId(ws)).ShouldSucceed().Stdout);
        return outputs;
    }

    private static string JobId(TempWorkspace ws) =>
        JsonOutput.Parse(ws.Run("job", "list", "--output", "json"))[0].GetProperty("id").GetString()!;

    /// <summary>150 points in three overlapping clusters, the same on every run (System.Random with a seed is stable).</summary>
    private static string Points()
    {
        var random = new Random(7);
        var text = new StringBuilder("x,y,label\n");
        for (var i = 0; i < 150; i++)
        {
            var label = i % 3;
            var x = (label - 1) * 2 + (random.NextDouble() * 3 - 1.5);
            var y = (label == 1 ? 1.5 : -1) + (random.NextDouble() * 3 - 1.5);
            text.Append(CultureInfo.InvariantCulture, $"{x:F3},{y:F3},{label}\n");
        }

        return text.ToString();
    }
}
