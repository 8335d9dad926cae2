using System.Collections;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using PipeBuild.Core;
using PipeBuild.Core.Pipelines;

namespace PipeBuild.Evaluation;

/// <summary>
/// Remembers what evaluating a <c>.pipeproj</c> gave, so that <c>run</c> over an unchanged workspace skips MSBuild
/// (its start-up is most of a no-op run). An entry is keyed by the file, the <c>-p</c> properties, the workspace's
/// default branch and this tool's build, and holds the content hash of every file the evaluation read or probed and
/// the value of every environment variable those files could read (MSBuild makes each variable a property; the
/// files name the properties they read, and <c>MSBUILD*</c> variables steer MSBuild itself): any difference
/// evaluates again. Other variables (a shell's, a terminal's, a profiler's) do not matter. Evaluations that are not
/// repeatable (<see cref="PipeprojEvaluation.Repeatable"/>) are never stored.
/// </summary>
public sealed class EvaluationCache(string folder)
{
    // What the MSBuild locator and the evaluator set for themselves (before the first evaluation they are not set yet).
    private static readonly HashSet<string> VolatileVariables = new(StringComparer.OrdinalIgnoreCase)
    {
        "MSBUILD_EXE_PATH", "MSBuildExtensionsPath", "MSBuildSDKsPath",
    };

    public string Folder { get; } = folder;

    /// <summary>The pipeline of <paramref name="path"/>, from the cache when nothing it depends on changed.</summary>
    public PipelineSpec Evaluate(string path, IReadOnlyDictionary<string, string> globalProperties, string defaultBranch)
    {
        var full = Path.GetFullPath(path);
        var entryPath = Path.Combine(Folder, Key(full, globalProperties, defaultBranch) + ".json");
        if (TryRead(entryPath) is { } cached && cached.Fingerprint == Fingerprint(cached.Inputs, cached.Properties))
        {
            return cached.Spec;
        }

        var evaluation = PipeprojEvaluator.EvaluateWithInputs(full, globalProperties, defaultBranch);
        if (evaluation.Repeatable)
        {
            Write(entryPath, new EvaluationCacheEntry(evaluation.Inputs, evaluation.Properties, Fingerprint(evaluation.Inputs, evaluation.Properties), evaluation.Spec));
        }

        return evaluation.Spec;
    }

    private static string Key(string path, IReadOnlyDictionary<string, string> globalProperties, string defaultBranch)
    {
        // The builds of the evaluator and of the spec it fills: a new tool may read the same files differently.
        var text = new StringBuilder()
            .Append(typeof(EvaluationCache).Assembly.ManifestModule.ModuleVersionId).Append(' ')
            .Append(typeof(PipelineSpec).Assembly.ManifestModule.ModuleVersionId).Append('\n')
            .Append(path).Append('\n').Append("branch ").Append(defaultBranch).Append('\n');
        foreach (var (name, value) in globalProperties.OrderBy(p => p.Key, StringComparer.OrdinalIgnoreCase))
        {
            text.Append("p ").Append(name).Append('=').Append(value).Append('\n');
        }

        return ContentHash.Of(Encoding.UTF8.GetBytes(text.ToString()));
    }

    /// <summary>The content of every input, or that it is absent, and the environment variables the inputs can read.</summary>
    private static string Fingerprint(IReadOnlyList<string> inputs, IReadOnlyList<string> properties)
    {
        var text = new StringBuilder();
        var read = new HashSet<string>(properties, StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in Environment.GetEnvironmentVariables().Cast<DictionaryEntry>()
            .Select(e => ((string)e.Key, (string?)e.Value))
            .Where(e => (read.Contains(e.Item1) || e.Item1.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)) && !VolatileVariables.Contains(e.Item1))
            .OrderBy(e => e.Item1, StringComparer.Ordinal))
        {
            text.Append("e ").Append(name).Append('=').Append(value).Append('\n');
        }

        foreach (var input in inputs)
        {
            text.Append(input).Append(' ');
            try
            {
                using var stream = File.OpenRead(input);
                text.Append(Convert.ToHexStringLower(SHA256.HashData(stream)));
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
            {
                text.Append('-');
            }

            text.Append('\n');
        }

        return ContentHash.Of(Encoding.UTF8.GetBytes(text.ToString()));
    }

    private static EvaluationCacheEntry? TryRead(string path)
    {
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllBytes(path), EvaluationJson.Default.EvaluationCacheEntry);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return null; // absent or unreadable: evaluate
        }
    }

    private static void Write(string path, EvaluationCacheEntry entry)
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var temporary = $"{path}.{Environment.ProcessId}.tmp";
            File.WriteAllBytes(temporary, JsonSerializer.SerializeToUtf8Bytes(entry, EvaluationJson.Default.EvaluationCacheEntry));
            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A cache that cannot be written only costs the next run an evaluation.
        }
    }
}
