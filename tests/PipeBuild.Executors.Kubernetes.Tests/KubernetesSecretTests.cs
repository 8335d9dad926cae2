using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace PipeBuild.Executors.Kubernetes.Tests;

/// <summary>
/// Secrets on the kubernetes executor: the workspace's secret becomes a Kubernetes Secret of the same name (PipeBuild's
/// label, updated when the value changes), the worker pods take its key as a variable by reference and its keys as a
/// volume; the Job manifest never holds a value, and a Secret of that name someone else made is left alone.
/// </summary>
public sealed class KubernetesSecretTests : IAsyncLifetime
{
    private const string Namespace = "pipebuild";
    private const string Password = "hunter2-Zq8#p0ssw0rd";
    private readonly string root = Directory.CreateTempSubdirectory("pipe-k8s-secret-").FullName;
    private readonly KubernetesStandIn standIn;
    private S3Workspace? workspace;

    public KubernetesSecretTests()
    {
        standIn = new KubernetesStandIn { StartPods = true, PodDirectory = root };
        standIn.AddSecret(Namespace, "pipebuild-store", S3rver.SecretData);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    private static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private S3Workspace Workspace()
    {
        var ws = workspace = new S3Workspace("secrets", standIn.WriteKubeconfig(root, Namespace));
        ws.Run("repo", "create", "data").ShouldSucceed();
        ws.Run("file", "put", "data@master:a.txt", "-f", ws.Write("a.txt", "alpha\n"), "--no-run").ShouldSucceed();
        ws.Write("login.pipeproj", """
            <Project Sdk="PipeBuild.Sdk">
              <PropertyGroup>
                <Executor>kubernetes</Executor>
                <Image>registry.example/pipe-tools:1.0</Image>
                <Command>printf %s "$DB_PASSWORD" | sha256sum | cut -d' ' -f1 &gt; /pfs/out/hash</Command>
              </PropertyGroup>
              <ItemGroup>
                <PipeInput Include="data" Glob="/" />
                <PipeSecret Include="db-creds" Key="password" EnvVar="DB_PASSWORD" />
                <PipeSecret Include="db-creds" MountPath="/var/secrets/db" />
              </ItemGroup>
            </Project>
            """);
        return ws;
    }

    private static void CreateSecret(S3Workspace ws, string password) =>
        ws.Run("secret", "create", "-f", ws.Write("db-creds.json", $$$"""{"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "db-creds"}, "stringData": {"password": "{{{password}}}"}}""")).ShouldSucceed();

    [SkippableFact]
    public void The_pods_get_the_secret_by_reference_and_a_new_value_updates_the_Secret_and_reruns()
    {
        S3rver.Require();
        var ws = Workspace();
        CreateSecret(ws, Password);

        var created = ws.Run("pipeline", "create", "-f", "login.pipeproj").ShouldSucceed();

        Assert.Contains($"created Secret {Namespace}/db-creds", created.Stderr);
        Assert.Equal(Sha256(Password) + "\n", ws.Run("file", "get", "login@master:hash").ShouldSucceed().Stdout);
        var secret = standIn.SecretObject(Namespace, "db-creds")!;
        Assert.Equal("pipebuild", secret["metadata"]!["labels"]!["app.kubernetes.io/managed-by"]!.GetValue<string>());
        Assert.Equal(Convert.ToBase64String(Encoding.UTF8.GetBytes(Password)), secret["data"]!["password"]!.GetValue<string>());

        // The Job refers to the Secret: a variable by secretKeyRef, a volume mounted read-only; no value inline.
        var job = Assert.Single(standIn.Jobs);
        var pod = job["spec"]!["template"]!["spec"]!;
        var container = pod["containers"]![0]!;
        var variable = container["env"]!.AsArray().Single(e => e!["name"]!.GetValue<string>() == "DB_PASSWORD")!;
        Assert.Equal(("db-creds", "password"), (variable["valueFrom"]!["secretKeyRef"]!["name"]!.GetValue<string>(), variable["valueFrom"]!["secretKeyRef"]!["key"]!.GetValue<string>()));
        var volume = Assert.Single(pod["volumes"]!.AsArray())!;
        Assert.Equal("db-creds", volume["secret"]!["secretName"]!.GetValue<string>());
        var mount = Assert.Single(container["volumeMounts"]!.AsArray())!;
        Assert.Equal(("/var/secrets/db", true, volume["name"]!.GetValue<string>()), (mount["mountPath"]!.GetValue<string>(), mount["readOnly"]!.GetValue<bool>(), mount["name"]!.GetValue<string>()));
        Assert.DoesNotContain(standIn.Requests, r => r.PathAndQuery.Contains("/jobs", StringComparison.Ordinal) && (r.Body.Contains(Password, StringComparison.Ordinal) || r.Body.Contains(Convert.ToBase64String(Encoding.UTF8.GetBytes(Password)), StringComparison.Ordinal)));

        // A new value: the Secret is replaced and the datum reruns with it.
        ws.Run("secret", "delete", "db-creds").ShouldSucceed();
        CreateSecret(ws, "a new password");
        var run = ws.Run("run").ShouldSucceed();

        Assert.Contains($"updated Secret {Namespace}/db-creds", run.Stderr);
        Assert.Contains("1 datum(s) ran, 0 reused", run.Stdout);
        Assert.Equal(Sha256("a new password") + "\n", ws.Run("file", "get", "login@master:hash").ShouldSucceed().Stdout);
    }

    [SkippableFact]
    public void A_Secret_of_that_name_that_PipeBuild_did_not_make_is_left_alone_and_the_run_fails()
    {
        S3rver.Require();
        var ws = Workspace();
        CreateSecret(ws, Password);
        standIn.AddSecretObject(Namespace, new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Secret", ["metadata"] = new JsonObject { ["name"] = "db-creds" }, ["data"] = new JsonObject { ["password"] = "dGhlaXJz" } });

        var error = ws.Run("pipeline", "create", "-f", "login.pipeproj").ShouldFailWith("PIPE6204").Stderr;

        Assert.Contains($"namespace {Namespace} has a Secret 'db-creds' that PipeBuild did not make", error);
        Assert.Equal("dGhlaXJz", standIn.SecretObject(Namespace, "db-creds")!["data"]!["password"]!.GetValue<string>());
    }

    public async Task DisposeAsync()
    {
        await standIn.DisposeAsync();
        workspace?.Dispose();
        Directory.Delete(root, recursive: true);
    }
}
