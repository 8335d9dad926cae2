using PipeBuild.Core;
using System.Text.RegularExpressions;
using PipeBuild.Core.Pipelines;

namespace PipeBuild.Evaluation;

/// <summary>
/// The <c>Kubernetes*</c> properties of a <c>.pipeproj</c> and their <see cref="KubernetesSettings"/>, read and
/// written in one place. Values are checked here, where a wrong one can still name its file and line, rather
/// than by the API server in the middle of a run.
/// </summary>
internal static partial class KubernetesProperties
{
    public static KubernetesSettings Read(Func<string, (string Value, string Where)?> property)
    {
        string? Name(string name, string what)
        {
            if (property(name) is not { } p)
            {
                return null;
            }

            var value = p.Value.Trim();
            return DnsLabel().IsMatch(value) && value.Length <= 63
                ? value
                : throw PipelineErrors.Invalid(p.Where, $"{name} '{value}' is not a valid Kubernetes {what} name.", "Use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit.");
        }

        string? Quantity(string name)
        {
            if (property(name) is not { } p)
            {
                return null;
            }

            var value = p.Value.Trim();
            return QuantityPattern().IsMatch(value)
                ? value
                : throw PipelineErrors.Invalid(p.Where, $"{name} '{value}' is not a Kubernetes quantity.", "Use a number with an optional suffix, such as 500m, 2, 512Mi or 1Gi.");
        }

        return new KubernetesSettings
        {
            Namespace = Name("KubernetesNamespace", "namespace"),
            ServiceAccount = Name("KubernetesServiceAccount", "service account"),
            StoreSecret = Name("KubernetesStoreSecret", "Secret") ?? KubernetesSettings.DefaultStoreSecret,
            CpuRequest = Quantity("KubernetesCpuRequest"),
            CpuLimit = Quantity("KubernetesCpuLimit"),
            MemoryRequest = Quantity("KubernetesMemoryRequest"),
            MemoryLimit = Quantity("KubernetesMemoryLimit"),
            NodeSelector = Pairs(property("KubernetesNodeSelector"), "KubernetesNodeSelector"),
            ImagePullSecrets = property("KubernetesImagePullSecrets") is { } secrets
                ? [.. Split(secrets.Value).Select(s => DnsLabel().IsMatch(s) ? s : throw PipelineErrors.Invalid(secrets.Where, $"KubernetesImagePullSecrets has '{s}', which is not a Secret name.", "Use Secret names separated by ';'."))]
                : [],
            Labels = Pairs(property("KubernetesLabels"), "KubernetesLabels"),
            PendingTimeout = property("KubernetesPendingTimeout") is { } pending
                ? Durations.TryParse(pending.Value, out var timeout) && timeout > TimeSpan.Zero
                    ? timeout
                    : throw PipelineErrors.Invalid(pending.Where, $"KubernetesPendingTimeout '{pending.Value.Trim()}' is not a duration.", "Use a positive number of seconds (300), or a duration such as 5m or 1m30s.")
                : KubernetesSettings.DefaultPendingTimeout,
        };
    }

    /// <summary>The properties that differ from the defaults, in the order a reader expects them.</summary>
    public static IEnumerable<(string Name, string? Value)> Write(KubernetesSettings settings) =>
    [
        ("KubernetesNamespace", settings.Namespace),
        ("KubernetesServiceAccount", settings.ServiceAccount),
        ("KubernetesStoreSecret", settings.StoreSecret == KubernetesSettings.DefaultStoreSecret ? null : settings.StoreSecret),
        ("KubernetesCpuRequest", settings.CpuRequest),
        ("KubernetesCpuLimit", settings.CpuLimit),
        ("KubernetesMemoryRequest", settings.MemoryRequest),
        ("KubernetesMemoryLimit", settings.MemoryLimit),
        ("KubernetesNodeSelector", Join(settings.NodeSelector)),
        ("KubernetesImagePullSecrets", settings.ImagePullSecrets.Count == 0 ? null : string.Join(';', settings.ImagePullSecrets)),
        ("KubernetesLabels", Join(settings.Labels)),
        ("KubernetesPendingTimeout", settings.PendingTimeout == KubernetesSettings.DefaultPendingTimeout ? null : Durations.FormatSeconds(settings.PendingTimeout)),
    ];

    private static List<KeyValuePair<string, string>> Pairs((string Value, string Where)? property, string name)
    {
        if (property is not { } p)
        {
            return [];
        }

        var pairs = new List<KeyValuePair<string, string>>();
        foreach (var part in Split(p.Value))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            var key = equals < 0 ? part : part[..equals].Trim();
            var value = equals < 0 ? "" : part[(equals + 1)..].Trim();
            if (equals < 0 || !LabelKey().IsMatch(key) || !(value.Length == 0 || (value.Length <= 63 && LabelValue().IsMatch(value))))
            {
                throw PipelineErrors.Invalid(p.Where, $"{name} has '{part}', which is not a valid Kubernetes label key=value.", "Use key=value pairs separated by ';', e.g. team=ml;tier=batch (letters, digits, '-', '_', '.'; keys may have a prefix/).");
            }

            pairs.RemoveAll(x => x.Key == key);
            pairs.Add(new(key, value));
        }

        return pairs;
    }

    private static string[] Split(string value) => value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static string? Join(IReadOnlyList<KeyValuePair<string, string>> pairs) =>
        pairs.Count == 0 ? null : string.Join(';', pairs.Select(p => $"{p.Key}={p.Value}"));

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex DnsLabel();

    [GeneratedRegex(@"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+|m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$", RegexOptions.CultureInvariant)]
    private static partial Regex QuantityPattern();

    [GeneratedRegex(@"^([a-z0-9]([-a-z0-9.]*[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex LabelKey();

    [GeneratedRegex(@"^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex LabelValue();
}
