using System.CommandLine;
using k8s;
using k8s.Models;
using PipeBuild.Core;
using PipeBuild.Engine;
using YamlDotNet.Core;

namespace PipeBuild.Cli.Commands;

/// <summary>
/// <c>secret create|list|inspect|delete</c>, as <c>pachctl create secret</c> and its siblings: a secret is a Kubernetes
/// Secret manifest, kept in the workspace's <see cref="SecretStore"/> on this machine. No command prints a value.
/// </summary>
internal static class SecretCommands
{
    public static Command Create() => Cli.Group(
        "secret",
        "Create, list, inspect and delete the secrets pipelines give their transforms (kept on this machine, never in the store).",
        CreateSecret(),
        List(),
        Inspect(),
        Delete());

    private static Command CreateSecret()
    {
        var file = new Option<string>("--file", "-f") { Description = "A Kubernetes Secret manifest (JSON or YAML; - reads stdin), as pachctl create secret takes.", Required = true };
        return Cli.Command("create", "Store a secret from a Kubernetes Secret manifest.", [file], (s, _) =>
        {
            var (text, where) = Read(s, s.Get(file));
            var manifest = Parse(text, where);
            var info = s.Workspace.Secrets.Create(manifest.Name, manifest.Type, manifest.Data, DateTimeOffset.UtcNow);
            s.Out.Result(info, $"created secret '{info.Name}' ({Keys(info)})");
            return Task.FromResult(ExitCodes.Ok);
        });
    }

    private static Command List() =>
        Cli.Command("list", "List the workspace's secrets (names, types and keys; never values).", [], (s, _) =>
        {
            s.Out.Write(s.Workspace.Secrets.List(), rows => (["NAME", "TYPE", "KEYS", "CREATED"],
                rows.Select(x => new[] { x.Name, x.Type, string.Join(",", x.Keys), Cli.Ago(x.Created) })));
            return Task.FromResult(ExitCodes.Ok);
        });

    private static Command Inspect()
    {
        var name = new Argument<string>("name");
        return Cli.Command("inspect", "Show a secret's type and keys (never its values).", [name], (s, _) =>
        {
            var info = s.Workspace.Secrets.Inspect(s.Get(name));
            s.Out.Write(info, x => (["FIELD", "VALUE"], [["Name", x.Name], ["Type", x.Type], ["Keys", string.Join(", ", x.Keys)], ["Created", x.Created.ToString("u")]]));
            return Task.FromResult(ExitCodes.Ok);
        });
    }

    private static Command Delete()
    {
        var name = new Argument<string>("name");
        return Cli.Command("delete", "Delete a secret. Pipelines that name it stop running (PIPE4012) until it is created again.", [name], (s, _) =>
        {
            if (!s.Workspace.Secrets.Delete(s.Get(name)))
            {
                s.Workspace.Secrets.Inspect(s.Get(name)); // throws: there is no such secret (PIPE4012)
            }

            s.Out.Result(new DeletedResult(s.Get(name)), $"deleted secret '{s.Get(name)}'");
            return Task.FromResult(ExitCodes.Ok);
        });
    }

    private static (string Text, string Where) Read(Session s, string file)
    {
        if (file == "-")
        {
            using var reader = new StreamReader(s.Console.OpenStandardInput());
            return (reader.ReadToEnd(), "stdin");
        }

        try
        {
            return (File.ReadAllText(s.FullPath(file)), file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new PipeException(ErrorCodes.SourceUnreadable, $"cannot read '{file}': {e.Message}");
        }
    }

    /// <summary>
    /// The manifest's name, type and values (<c>data</c> base64-decoded, <c>stringData</c> as UTF-8, the latter winning
    /// as Kubernetes has it). Errors say where and what, never a value: the parser's own message may quote one.
    /// </summary>
    private static (string Name, string Type, Dictionary<string, byte[]> Data) Parse(string text, string where)
    {
        V1Secret secret;
        try
        {
            secret = KubernetesYaml.Deserialize<V1Secret>(text, strict: true)
                ?? throw Invalid(where, "it is empty");
        }
        catch (YamlException e)
        {
            throw Invalid(
                $"{where}({e.Start.Line},{e.Start.Column})",
                "it is not a Kubernetes Secret manifest here (malformed JSON or YAML, a field a Secret does not have, or a value under 'data' that is not base64)");
        }

        if (secret.Kind != "Secret" || secret.ApiVersion is not ("v1" or null))
        {
            throw Invalid(where, $"it is a {(secret.Kind is null ? "manifest without a kind" : $"'{secret.Kind}'")}, not a Secret (apiVersion: v1, kind: Secret)");
        }

        var name = secret.Metadata?.Name ?? throw Invalid(where, "it has no metadata.name");
        var data = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var (key, value) in secret.Data ?? new Dictionary<string, byte[]>())
        {
            data[key] = value;
        }

        foreach (var (key, value) in secret.StringData ?? new Dictionary<string, string>())
        {
            data[key] = System.Text.Encoding.UTF8.GetBytes(value);
        }

        return data.Count == 0 ? throw Invalid(where, $"secret '{name}' has no data or stringData") : (name, secret.Type ?? "Opaque", data);
    }

    private static PipeException Invalid(string where, string message) =>
        new(ErrorCodes.InvalidSecret, $"{where}: {message}. Write a Kubernetes Secret: {{\"apiVersion\": \"v1\", \"kind\": \"Secret\", \"metadata\": {{\"name\": \"db\"}}, \"stringData\": {{\"password\": \"...\"}}}}.");

    private static string Keys(SecretInfo info) => info.Keys.Count == 1 ? $"key {info.Keys[0]}" : $"keys {string.Join(", ", info.Keys)}";
}
