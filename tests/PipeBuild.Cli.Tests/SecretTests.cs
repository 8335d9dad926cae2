using System.Security.Cryptography;
using System.Text;

namespace PipeBuild.Cli.Tests;

/// <summary>
/// Secrets (Pachyderm's <c>transform.secrets</c> and <c>pachctl create secret</c>): a Kubernetes Secret manifest kept
/// on this machine beside the store, its values given to the transform as variables, never printed, logged or stored;
/// the transform identity holds a keyed hash of them, so a changed value reruns the datums.
/// </summary>
public sealed class SecretTests : IDisposable
{
    private const string Password = "hunter2-Zq8#p0ssw0rd";

    private readonly TempWorkspace ws = new();
    private readonly List<PipeResult> outputs = [];

    public SecretTests()
    {
        Run("repo", "create", "data").ShouldSucceed();
        Run("file", "put", "data@master:a.txt", "-f", ws.Write("in/a.txt", "alpha\n"), "--no-run").ShouldSucceed();
        Run("file", "put", "data@master:b.txt", "-f", ws.Write("in/b.txt", "beta\n"), "--no-run").ShouldSucceed();
    }

    private static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    /// <summary>The secret as <c>kubectl create secret generic db --from-literal=...</c> writes it: values in base64 under data.</summary>
    private string Manifest(string password, string name = "db-creds") => ws.Write($"{name}.json", $$$"""
        {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "{{{name}}}"}, "type": "Opaque",
         "data": {"password": "{{{Base64(password)}}}", "user": "{{{Base64("alice")}}}"}}
        """);

    /// <summary>
    /// The secrets of Pachyderm's pipeline specification (docs: Pipeline Specification, transform.secrets, with
    /// {"name", "env_var", "key"} entries), in a spec that uses the password without printing it.
    /// </summary>
    private string Spec(string name = "login", string command = "printf %s \"$DB_PASSWORD\" | sha256sum | cut -d' ' -f1 > /pfs/out/$(basename $data); echo user $DB_USER, password of ${#DB_PASSWORD} characters") =>
        ws.Write($"{name}.json", $$$"""
        {
          "pipeline": {"name": "{{{name}}}"},
          "transform": {
            "cmd": ["sh", "-c", "{{{command.Replace("\"", "\\\"", StringComparison.Ordinal)}}}"],
            "secrets": [
              {"name": "db-creds", "env_var": "DB_PASSWORD", "key": "password"},
              {"name": "db-creds", "env_var": "DB_USER", "key": "user"}
            ]
          },
          "input": {"pfs": {"repo": "data", "glob": "/*"}}
        }
        """);

    private PipeResult Run(params string[] args)
    {
        var result = ws.Run(args);
        outputs.Add(result);
        return result;
    }

    [Fact]
    public void A_transform_gets_the_secret_as_its_variable_and_nothing_the_run_leaves_holds_the_value()
    {
        Assert.Contains("created secret 'db-creds' (keys password, user)", Run("secret", "create", "-f", Manifest(Password)).ShouldSucceed().Stdout);
        Run("pipeline", "create", "-f", Spec()).ShouldSucceed();

        Assert.Equal(Sha256(Password) + "\n", Run("file", "get", "login@master:a.txt").ShouldSucceed().Stdout);
        Assert.Contains($"user alice, password of {Password.Length} characters", Run("logs", "--pipeline", "login").ShouldSucceed().Stdout);

        // A failing datum and its error, an error handler's run, a job record of each state.
        Assert.Equal(2, Run("pipeline", "create", "-f", Spec("fails", "test -z \"$DB_PASSWORD\" || { echo no good >&2; exit 3; }")).ExitCode);

        // Everything a user or another program can see of it: every command's output, then every file of the workspace.
        var jobs = JsonOutput.Column(Run("job", "list", "--output", "json"), "id");
        foreach (var job in jobs)
        {
            Run("job", "inspect", job, "--output", "json");
            Run("logs", "--job", job);
            Run("datum", "list", job, "--output", "json");
        }

        Run("pipeline", "inspect", "login", "--output", "json").ShouldSucceed();
        Run("pipeline", "inspect", "login");
        Run("secret", "list", "--output", "json").ShouldSucceed();
        Run("secret", "inspect", "db-creds");
        Run("status");
        Run("secret", "create", "-f", Manifest(Password)).ShouldFailWith("PIPE1014");

        foreach (var form in new[] { Password, Base64(Password) })
        {
            Assert.DoesNotContain(outputs, o => o.Stdout.Contains(form, StringComparison.Ordinal) || o.Stderr.Contains(form, StringComparison.Ordinal));
            var secretsFolder = Path.Combine(ws.PipeFolder, "secrets") + Path.DirectorySeparatorChar;
            var leaks = Directory.EnumerateFiles(ws.Root, "*", SearchOption.AllDirectories)
                .Where(f => !f.StartsWith(secretsFolder, StringComparison.Ordinal) && Path.GetFileName(f) != "db-creds.json")
                .Where(f => File.ReadAllBytes(f).AsSpan().IndexOf(Encoding.UTF8.GetBytes(form)) >= 0);
            Assert.Empty(leaks);
        }

        Assert.Contains(jobs, j => Run("job", "inspect", j).Stdout.Contains("failure", StringComparison.Ordinal)); // the scan saw a failed job
    }

    [Fact]
    public void The_values_are_kept_readable_by_their_owner_only()
    {
        Run("secret", "create", "-f", Manifest(Password)).ShouldSucceed();
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var folder = Path.Combine(ws.PipeFolder, "secrets", "db-creds");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.Combine(ws.PipeFolder, "secrets")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(folder, "data", "password")));
        Assert.Equal(Password, File.ReadAllText(Path.Combine(folder, "data", "password")));
    }

    [Fact]
    public void A_changed_value_reruns_the_datums_and_the_same_value_again_does_not()
    {
        Run("secret", "create", "-f", Manifest(Password)).ShouldSucceed();
        Run("pipeline", "create", "-f", Spec()).ShouldSucceed();

        Run("secret", "delete", "db-creds").ShouldSucceed();
        Run("secret", "create", "-f", Manifest(Password)).ShouldSucceed();
        Assert.Contains("up to date", Run("run").ShouldSucceed().Stderr + ws.Run("status").Stdout);

        Run("secret", "delete", "db-creds").ShouldSucceed();
        Run("secret", "create", "-f", Manifest("a new password")).ShouldSucceed();
        Assert.Contains("2 datum(s) ran, 0 reused", Run("run").ShouldSucceed().Stdout);
        Assert.Equal(Sha256("a new password") + "\n", Run("file", "get", "login@master:b.txt").ShouldSucceed().Stdout);
    }

    [Fact]
    public void A_pipeline_whose_secret_is_missing_is_PIPE4012_and_stores_nothing()
    {
        Run("secret", "create", "-f", Manifest(Password, "other")).ShouldSucceed();
        var before = ws.StoreFingerprint();

        var error = Run("pipeline", "create", "-f", Spec()).ShouldFailWith("PIPE4012").Stderr;

        Assert.Contains("login.json: error PIPE4012: there is no secret 'db-creds' in this workspace", error);
        Assert.Contains("dotnet pipe secret create -f", error);
        Assert.Equal(before, ws.StoreFingerprint());
        Assert.Empty(JsonOutput.Column(Run("job", "list", "--output", "json"), "id"));
    }

    [Fact]
    public void After_its_secret_is_deleted_status_says_why_the_pipeline_cannot_run_and_run_fails_with_PIPE4012()
    {
        Run("secret", "create", "-f", Manifest(Password)).ShouldSucceed();
        Run("pipeline", "create", "-f", Spec()).ShouldSucceed();
        Run("secret", "delete", "db-creds").ShouldSucceed();
        Run("file", "put", "data@master:c.txt", "-f", ws.Write("in/c.txt", "gamma\n"), "--no-run").ShouldSucceed();
        var before = ws.StoreFingerprint();

        var status = Run("status").ShouldSucceed().Stdout;
        var run = Run("run").ShouldFailWith("PIPE4012");

        Assert.Contains("out of date", status);
        Assert.Contains("cannot run (PIPE4012):", status);
        Assert.Contains("secret-missing", Run("status", "--output", "json").ShouldSucceed().Stdout);
        Assert.Contains("there is no secret 'db-creds'", run.Stderr);
        Assert.Equal(before, ws.StoreFingerprint());
    }

    [Fact]
    public void A_key_the_secret_lacks_is_PIPE4012_naming_the_keys_it_has()
    {
        ws.Write("db-creds.json", """{"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "db-creds"}, "stringData": {"token": "t", "user": "alice"}}""");
        Run("secret", "create", "-f", "db-creds.json").ShouldSucceed();

        Assert.Contains("secret 'db-creds' has no key 'password' (its keys: token, user)", Run("pipeline", "create", "-f", Spec()).ShouldFailWith("PIPE4012").Stderr);
    }

    [Fact]
    public void A_pipeproj_names_its_secrets_with_PipeSecret_items_and_a_yaml_manifest_is_read_too()
    {
        ws.Write("db.yaml", $"""
            apiVersion: v1
            kind: Secret
            metadata:
              name: db-creds
            stringData:
              password: {Password}
            """);
        Run("secret", "create", "-f", "db.yaml").ShouldSucceed();
        ws.Write("login.pipeproj", """
            <Project Sdk="PipeBuild.Sdk">
              <PropertyGroup>
                <Command>printf %s "$DB_PASSWORD" | sha256sum | cut -d' ' -f1 > /pfs/out/hash</Command>
              </PropertyGroup>
              <ItemGroup>
                <PipeInput Include="data" Glob="/" />
                <PipeSecret Include="db-creds" Key="password" EnvVar="DB_PASSWORD" />
              </ItemGroup>
            </Project>
            """);

        Run("pipeline", "create", "-f", "login.pipeproj").ShouldSucceed();

        Assert.Equal(Sha256(Password) + "\n", Run("file", "get", "login@master:hash").ShouldSucceed().Stdout);
        Assert.Contains("db-creds[password] as $DB_PASSWORD", Run("pipeline", "inspect", "login").ShouldSucceed().Stdout);
    }

    [Fact]
    public void A_secret_given_as_files_needs_a_container_with_the_local_executor()
    {
        Run("secret", "create", "-f", Manifest(Password)).ShouldSucceed();
        ws.Write("files.json", """{"pipeline": {"name": "files"}, "transform": {"cmd": ["cat", "/var/secrets/db/password"], "secrets": [{"name": "db-creds", "mount_path": "/var/secrets/db"}]}, "input": {"pfs": {"repo": "data", "glob": "/"}}}""");

        var error = Run("pipeline", "create", "-f", "files.json").ShouldFailWith("PIPE6003").Stderr;

        Assert.Contains("cannot mount secret 'db-creds' at /var/secrets/db (mount_path)", error);
        Run("file", "list", "files@master").ShouldFailWith("PIPE5004");
    }

    [Theory]
    [InlineData("""{"name": "DB", "env_var": "P", "key": "password"}""", "'transform.secrets[0].name': 'DB' is not a secret name.")]
    [InlineData("""{"name": "db-creds"}""", "'transform.secrets[0].env_var': secret 'db-creds' is given neither as a variable nor as files.")]
    [InlineData("""{"name": "db-creds", "env_var": "P"}""", "'transform.secrets[0].key': secret 'db-creds' sets env_var P but no key.")]
    [InlineData("""{"name": "db-creds", "env_var": "1P", "key": "password"}""", "'transform.secrets[0].env_var': invalid environment variable name '1P'.")]
    [InlineData("""{"name": "db-creds", "env_var": "P", "key": "pass/word"}""", "'transform.secrets[0].key': 'pass/word' is not a secret key.")]
    [InlineData("""{"name": "db-creds", "mount_path": "secrets"}""", "'transform.secrets[0].mount_path': mount_path 'secrets' is not an absolute path.")]
    [InlineData("""{"name": "db-creds", "mount_path": "/pfs/secrets"}""", "'transform.secrets[0].mount_path': mount_path '/pfs/secrets' would hide the datum's /pfs.")]
    [InlineData("""{"name": "db-creds", "env_var": "HOME_DIR", "key": "password"}""", "'transform.secrets[0].env_var': the variable HOME_DIR is already set by the pipeline's env.")]
    [InlineData("""{"name": "db-creds", "env_var": 1, "key": "password"}""", "'transform.secrets[0].env_var' must be a string, not the number 1.")]
    [InlineData("""{"name": "db-creds", "env_var": "PIPE_TOKEN", "key": "password"}""", "'transform.secrets[0].env_var': the variable PIPE_TOKEN is PipeBuild's to set.")]
    public void A_bad_secret_entry_is_PIPE2002_naming_the_field_and_stores_nothing(string entry, string message)
    {
        ws.Write("bad.json", $$$$"""{"pipeline": {"name": "bad"}, "transform": {"cmd": ["true"], "env": {"HOME_DIR": "/x"}, "secrets": [{{{{entry}}}}]}, "input": {"pfs": {"repo": "data", "glob": "/*"}}}""");
        var before = ws.StoreFingerprint();

        var error = Run("pipeline", "create", "-f", "bad.json").ShouldFailWith("PIPE2002").Stderr;

        Assert.Contains("bad.json(1,", error);
        Assert.Contains(message, error);
        Assert.Equal(before, ws.StoreFingerprint());
    }

    [Fact]
    public void An_unknown_field_of_a_secret_entry_is_PIPE2004()
    {
        ws.Write("bad.json", """{"pipeline": {"name": "bad"}, "transform": {"cmd": ["true"], "secrets": [{"name": "db", "env_var": "P", "key": "k", "value": "no"}]}, "input": {"pfs": {"repo": "data", "glob": "/*"}}}""");

        Assert.Contains("'transform.secrets[0].value'", Run("pipeline", "create", "-f", "bad.json").ShouldFailWith("PIPE2004").Stderr);
    }

    [Fact]
    public void A_bad_PipeSecret_is_PIPE2002_at_its_line()
    {
        ws.Write("bad.pipeproj", """
            <Project Sdk="PipeBuild.Sdk">
              <PropertyGroup><Command>true</Command></PropertyGroup>
              <ItemGroup>
                <PipeInput Include="data" Glob="/" />
                <PipeSecret Include="db-creds" EnvVar="DB_PASSWORD" />
              </ItemGroup>
            </Project>
            """);

        var error = Run("pipeline", "create", "-f", "bad.pipeproj").ShouldFailWith("PIPE2002").Stderr;

        Assert.Contains("bad.pipeproj(5,", error);
        Assert.Contains("'PipeSecret 'db-creds' Key': secret 'db-creds' sets env_var DB_PASSWORD but no key.", error);
    }

    [Theory]
    [InlineData("""{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "db"}, "data": {"p": "eA=="}}""", "it is a 'ConfigMap', not a Secret")]
    [InlineData("""{"apiVersion": "v1", "kind": "Secret", "data": {"p": "eA=="}}""", "it has no metadata.name")]
    [InlineData("""{"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "db"}}""", "secret 'db' has no data or stringData")]
    [InlineData("""{"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "Db_1"}, "data": {"p": "eA=="}}""", "'Db_1' is not a secret name")]
    [InlineData("""{"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "db"}, "stringData": {"pass word": "hunter2-Zq8#p0ssw0rd"}}""", "'pass word' is not a secret key")]
    [InlineData("""{"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "db"}, "data": {"p": "hunter2-Zq8#p0ssw0rd"}}""", "not a Kubernetes Secret manifest here")]
    [InlineData("""{"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "db"}, "stringData": {"Token": "a", "token": "b"}}""", "the keys 'Token' and 'token' differ only in case")]
    [InlineData("""{"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "db"}, "stringData": {"p": "hunter2-Zq8#p0ssw0rd"}, "value": 1}""", "not a Kubernetes Secret manifest here")]
    public void A_bad_manifest_is_PIPE1013_and_never_quotes_a_value(string manifest, string message)
    {
        ws.Write("bad.json", manifest);

        var result = Run("secret", "create", "-f", "bad.json").ShouldFailWith("PIPE1013");

        Assert.Contains(message, result.Stderr);
        Assert.DoesNotContain(Password, result.Stderr + result.Stdout);
        Assert.Empty(JsonOutput.Column(Run("secret", "list", "--output", "json"), "name"));
    }

    [Fact]
    public void Deleting_a_secret_there_is_not_is_PIPE4012()
    {
        Assert.Contains("there is no secret 'db-creds'", Run("secret", "delete", "db-creds").ShouldFailWith("PIPE4012").Stderr);
    }

    public void Dispose() => ws.Dispose();
}
