using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using PipeBuild.Core;
using PipeBuild.Core.Pipelines;

namespace PipeBuild.Engine;

/// <summary>
/// The secrets of a workspace (<c>dotnet pipe secret create</c>), kept on this machine beside the store and never in it
/// (docs/pipeproj.md#secrets): a folder per secret, readable by its owner only, holding <c>secret.json</c> (type, keys,
/// when) and <c>data/KEY</c> files with the values, the very folder a container mounts. Values leave it only for the
/// transform's environment and mounts, and as an HMAC keyed by this workspace's own random key in the transform identity.
/// </summary>
public sealed class SecretStore(string folder)
{
    private const string DataFolder = "data";
    private const string InfoFile = "secret.json";
    private const string KeyFile = ".hmac-key"; // a name no secret can have: they start with a letter or digit
    private const string EmptyFolderName = ".empty";

    private const UnixFileMode OwnerFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public string Folder { get; } = Path.GetFullPath(folder);

    /// <summary><paramref name="secrets"/>, or PIPE4012 for <paramref name="spec"/> when this host was given none.</summary>
    public static SecretStore Required(SecretStore? secrets, PipelineSpec spec) =>
        secrets ?? throw spec.Error(ErrorCodes.SecretNotFound, "the pipeline has secrets, and this host keeps none.");

    /// <summary>Stores a new secret; one of that name is an error (delete it first), as <c>pachctl create secret</c> is.</summary>
    public SecretInfo Create(string name, string type, IReadOnlyDictionary<string, byte[]> data, DateTimeOffset created)
    {
        if (!SecretReference.IsName(name))
        {
            throw new PipeException(ErrorCodes.InvalidSecret, $"'{name}' is not a secret name. {SecretReference.NameRule}");
        }

        if (data.Keys.FirstOrDefault(k => !SecretReference.IsKey(k)) is { } bad)
        {
            throw new PipeException(ErrorCodes.InvalidSecret, $"secret '{name}': '{bad}' is not a secret key. {SecretReference.KeyRule}");
        }

        // Each key is a file: two that differ only in case would be one file where names ignore case (macOS, Windows).
        if (data.Keys.GroupBy(k => k, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1) is { } same)
        {
            throw new PipeException(ErrorCodes.InvalidSecret, $"secret '{name}': the keys {string.Join(" and ", same.Select(k => $"'{k}'"))} differ only in case. Rename one.");
        }

        var info = new SecretInfo(name, type, [.. data.Keys.Order(StringComparer.Ordinal)], created);
        EnsureFolder(Folder);
        RemoveStaleTemporaryFolders();
        HashKey(); // made now, so that running a pipeline writes nothing here

        // Written whole in a folder of its own, then renamed into place: a crash leaves a .tmp- folder, never half a secret.
        var temporary = Path.Combine(Folder, $".tmp-{Guid.NewGuid():N}");
        try
        {
            EnsureFolder(temporary);
            EnsureFolder(Path.Combine(temporary, DataFolder));
            foreach (var (key, value) in data)
            {
                WriteFile(Path.Combine(temporary, DataFolder, key), value);
            }

            WriteFile(Path.Combine(temporary, InfoFile), JsonSerializer.SerializeToUtf8Bytes(info, Json));
            try
            {
                Directory.Move(temporary, PathOf(name));
            }
            catch (IOException) when (Directory.Exists(PathOf(name)))
            {
                throw new PipeException(ErrorCodes.SecretExists, $"secret '{name}' already exists. Delete it first: dotnet pipe secret delete {name}");
            }
        }
        finally
        {
            if (Directory.Exists(temporary))
            {
                Directory.Delete(temporary, recursive: true);
            }
        }

        return info;
    }

    /// <summary>Every secret, by name; what they hold is not read. A folder that is not a whole secret (made by hand) is left out.</summary>
    public IReadOnlyList<SecretInfo> List() =>
        Directory.Exists(Folder)
            ? [.. Directory.EnumerateDirectories(Folder).Select(Path.GetFileName).Where(n => SecretReference.IsName(n) && File.Exists(Path.Combine(Folder, n!, InfoFile))).Order(StringComparer.Ordinal).Select(n => Inspect(n!))]
            : [];

    public SecretInfo Inspect(string name)
    {
        try
        {
            return JsonSerializer.Deserialize<SecretInfo>(File.ReadAllBytes(Path.Combine(PathOf(name), InfoFile)), Json)
                ?? throw new JsonException("null");
        }
        catch (Exception e) when (e is DirectoryNotFoundException or FileNotFoundException)
        {
            throw NotFound(name);
        }
    }

    /// <summary>Deletes a secret; false when there is none of that name.</summary>
    public bool Delete(string name)
    {
        if (!SecretReference.IsName(name) || !Directory.Exists(PathOf(name)))
        {
            return false;
        }

        // Renamed away first, so no transform starting meanwhile mounts half of it.
        var doomed = Path.Combine(Folder, $".tmp-{Guid.NewGuid():N}");
        Directory.Move(PathOf(name), doomed);
        Directory.Delete(doomed, recursive: true);
        return true;
    }

    /// <summary>Every key of a secret with its value: for a Kubernetes Secret made from it (the kubernetes executor).</summary>
    public IReadOnlyDictionary<string, byte[]> Data(string name) =>
        Inspect(name).Keys.ToDictionary(k => k, k => Value(name, k), StringComparer.Ordinal);

    /// <summary>An empty folder, to bind over this one where a container would otherwise see it.</summary>
    public string EmptyFolder()
    {
        var path = Path.Combine(Folder, EmptyFolderName);
        EnsureFolder(Folder);
        EnsureFolder(path);
        return path;
    }

    /// <summary>The folder holding a secret's keys as files (what a container mounts at the reference's mount path).</summary>
    public string DataFolderOf(string name) => Path.Combine(PathOf(Inspect(name).Name), DataFolder);

    /// <summary>The variables <paramref name="spec"/>'s secrets set (<see cref="SecretReference.EnvVar"/>), with their values.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Variables(PipelineSpec spec) =>
        [.. spec.Secrets.Where(s => s.EnvVar is not null).Select(s => KeyValuePair.Create(s.EnvVar!, Text(s.Name, s.Key!, Value(s.Name, s.Key!))))];

    /// <summary>
    /// A keyed hash (HMAC-SHA256, this workspace's key) of every value <paramref name="spec"/>'s secrets give its
    /// transform: it changes when a value does, so the datums rerun, and it tells nobody who reads the store what the
    /// values are. A secret or key this workspace lacks is an error about the pipeline (PIPE4012).
    /// </summary>
    public string IdentityOf(PipelineSpec spec)
    {
        try
        {
            return IdentityOf(spec.Secrets);
        }
        catch (PipeException e) when (e.Code is ErrorCodes.SecretNotFound or ErrorCodes.InvalidSecret)
        {
            throw spec.Error(e.Code, e.Message);
        }
    }

    private string IdentityOf(IReadOnlyList<SecretReference> secrets)
    {
        using var hmac = new HMACSHA256(HashKey());
        foreach (var secret in secrets)
        {
            var keys = secret.MountPath is null ? [secret.Key!] : Inspect(secret.Name).Keys.Union(secret.Key is null ? [] : [secret.Key], StringComparer.Ordinal);
            foreach (var key in keys)
            {
                var value = Value(secret.Name, key);
                if (secret.EnvVar is not null && key == secret.Key)
                {
                    Text(secret.Name, key, value); // a value no variable can hold fails here, before a job is stored
                }

                Append(hmac, $"{secret.Name} {key} {value.Length}\n");
                hmac.TransformBlock(value, 0, value.Length, null, 0);
            }
        }

        hmac.TransformFinalBlock([], 0, 0);
        return Convert.ToHexStringLower(hmac.Hash!);
    }

    private byte[] Value(string name, string key)
    {
        var info = Inspect(name);
        return info.Keys.Contains(key, StringComparer.Ordinal)
            ? File.ReadAllBytes(Path.Combine(PathOf(name), DataFolder, key))
            : throw new PipeException(ErrorCodes.SecretNotFound, $"secret '{name}' has no key '{key}' (its keys: {string.Join(", ", info.Keys)}).", ExitCodes.UserError);
    }

    private static string Text(string name, string key, byte[] value)
    {
        try
        {
            var text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(value);
            return text.Contains('\0', StringComparison.Ordinal) ? throw new DecoderFallbackException() : text;
        }
        catch (DecoderFallbackException)
        {
            throw new PipeException(ErrorCodes.InvalidSecret, $"key '{key}' of secret '{name}' is not text, so it cannot be an environment variable. Give it as a file (mount_path) instead.", ExitCodes.UserError);
        }
    }

    /// <summary>
    /// Removes what a <c>secret create</c> or <c>delete</c> that died half way left (<c>.tmp-</c> folders holding values),
    /// once an hour old: one that young may be another command's at work.
    /// </summary>
    private void RemoveStaleTemporaryFolders()
    {
        foreach (var folder in Directory.EnumerateDirectories(Folder, ".tmp-*"))
        {
            if (Directory.GetLastWriteTimeUtc(folder) < DateTime.UtcNow.AddHours(-1))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    /// <summary>This workspace's HMAC key: made on first use, kept with the secrets, readable by its owner only.</summary>
    private byte[] HashKey()
    {
        var path = Path.Combine(Folder, KeyFile);
        if (!File.Exists(path))
        {
            EnsureFolder(Folder);
            var temporary = $"{path}.tmp-{Guid.NewGuid():N}";
            WriteFile(temporary, RandomNumberGenerator.GetBytes(32));
            try
            {
                File.Move(temporary, path); // two making it at once: the first one's stays
            }
            catch (IOException) when (File.Exists(path))
            {
                File.Delete(temporary);
            }
        }

        return File.ReadAllBytes(path);
    }

    private string PathOf(string name) =>
        SecretReference.IsName(name) ? Path.Combine(Folder, name) : throw NotFound(name);

    private static PipeException NotFound(string name) => new(
        ErrorCodes.SecretNotFound,
        $"there is no secret '{name}' in this workspace. Create it with `dotnet pipe secret create -f SECRET.json` (a Kubernetes Secret manifest); `dotnet pipe secret list` shows those there are.",
        ExitCodes.UserError);

    private static void Append(HMACSHA256 hmac, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        hmac.TransformBlock(bytes, 0, bytes.Length, null, 0);
    }

    private static void EnsureFolder(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, OwnerFolder);
            File.SetUnixFileMode(path, OwnerFolder); // also when it existed, or the umask narrowed it
        }
    }

    private static void WriteFile(string path, byte[] bytes)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerFile;
        }

        using var stream = new FileStream(path, options);
        stream.Write(bytes);
        stream.Flush(flushToDisk: true);
    }
}

/// <summary>What <c>secret list</c> and <c>secret inspect</c> show of a secret: never its values.</summary>
public sealed record SecretInfo(string Name, string Type, IReadOnlyList<string> Keys, DateTimeOffset Created);
