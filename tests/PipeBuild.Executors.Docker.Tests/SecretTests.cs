using System.Text;

namespace PipeBuild.Executors.Docker.Tests;

/// <summary>
/// Secrets on the docker executor (Pachyderm's <c>transform.secrets</c>): a variable of the container, and the
/// secret's keys as read-only files at its mount path; neither left in the workspace once the job is done.
/// </summary>
public sealed class SecretTests : IDisposable
{
    private const string Password = "hunter2-Zq8#p0ssw0rd";

    private readonly TempWorkspace ws = new();

    public SecretTests()
    {
        ws.Run("repo", "create", "data").ShouldSucceed();
        ws.Run("file", "put", "data@master:a.txt", "-f", ws.Write("in/a.txt", "alpha\n"), "--no-run").ShouldSucceed();
        ws.Run("file", "put", "data@master:b.txt", "-f", ws.Write("in/b.txt", "beta\n"), "--no-run").ShouldSucceed();
        ws.Write("db-creds.json", """{"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "db-creds"}, "stringData": {"password": "hunter2-Zq8#p0ssw0rd", "user": "alice"}}""");
        ws.Run("secret", "create", "-f", "db-creds.json").ShouldSucceed();
    }

    /// <summary>Pachyderm's spec of both kinds of entry (docs: Pipeline Specification, transform.secrets), one worker for two datums.</summary>
    [SkippableFact]
    public void A_container_gets_the_secret_as_a_variable_and_as_read_only_files()
    {
        TestEngine.Require();
        const string script = "n=$(basename $data); printf %s \\\"$DB_PASSWORD\\\" | sha256sum | cut -d' ' -f1 > /pfs/out/$n.env; cat /var/secrets/db/password | sha256sum | cut -d' ' -f1 > /pfs/out/$n.file; ls /var/secrets/db > /pfs/out/$n.keys; (echo x > /var/secrets/db/password) 2>/dev/null && echo writable > /pfs/out/$n.ro || true";
        ws.Write("login.json", $$$"""
            {
              "pipeline": {"name": "login"},
              "transform": {
                "image": "{{{TestEngine.Busybox}}}",
                "cmd": ["sh", "-c", "{{{script}}}"],
                "secrets": [
                  {"name": "db-creds", "mount_path": "/var/secrets/db"},
                  {"name": "db-creds", "env_var": "DB_PASSWORD", "key": "password"}
                ]
              },
              "parallelism_spec": {"constant": 1},
              "input": {"pfs": {"repo": "data", "glob": "/*"}}
            }
            """);

        ws.Run("pipeline", "create", "-f", "login.json", "--executor", "docker").ShouldSucceed();

        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(Password)));
        foreach (var datum in new[] { "a.txt", "b.txt" })
        {
            Assert.Equal(hash + "\n", ws.Run("file", "get", $"login@master:{datum}.env").ShouldSucceed().Stdout);
            Assert.Equal(hash + "\n", ws.Run("file", "get", $"login@master:{datum}.file").ShouldSucceed().Stdout);
            Assert.Equal("password\nuser\n", ws.Run("file", "get", $"login@master:{datum}.keys").ShouldSucceed().Stdout);
        }

        Assert.DoesNotContain(".ro", ws.Run("file", "list", "login@master").ShouldSucceed().Stdout); // the mounted files could not be written
        var secrets = Path.Combine(ws.PipeFolder, "secrets") + Path.DirectorySeparatorChar;
        var leaks = Directory.EnumerateFiles(ws.Root, "*", SearchOption.AllDirectories)
            .Where(f => !f.StartsWith(secrets, StringComparison.Ordinal) && Path.GetFileName(f) != "db-creds.json")
            .Where(f => File.ReadAllBytes(f).AsSpan().IndexOf(Encoding.UTF8.GetBytes(Password)) >= 0);
        Assert.Empty(leaks);
    }

    [SkippableFact]
    public void A_pipeline_at_the_workspaces_root_cannot_read_the_workspaces_secrets_through_its_folder()
    {
        TestEngine.Require();
        ws.Write("peek.sh", "ls -A \"$(pwd)/.pipe/secrets\" > /pfs/out/listing; cat \"$(pwd)/.pipe/secrets/db-creds/data/password\" > /pfs/out/leak 2>/dev/null; ls \"$(pwd)/.pipe\" > /pfs/out/pipe; true\n");
        ws.Write("peek.pipeproj", $"""
            <Project Sdk="PipeBuild.Sdk">
              <PropertyGroup>
                <Executor>docker</Executor>
                <Image>{TestEngine.Busybox}</Image>
                <Command>sh peek.sh</Command>
              </PropertyGroup>
              <ItemGroup>
                <PipeInput Include="data" Glob="/" />
                <TransformFile Include="peek.sh" />
              </ItemGroup>
            </Project>
            """);

        ws.Run("pipeline", "create", "-f", "peek.pipeproj").ShouldSucceed();

        Assert.Contains("secrets", ws.Run("file", "get", "peek@master:pipe").ShouldSucceed().Stdout); // the folder is there, mounted
        Assert.Equal("", ws.Run("file", "get", "peek@master:listing").ShouldSucceed().Stdout);
        Assert.Equal("", ws.Run("file", "get", "peek@master:leak").ShouldSucceed().Stdout);
    }

    public void Dispose() => ws.Dispose();
}
