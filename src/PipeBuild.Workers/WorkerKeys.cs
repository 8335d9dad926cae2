namespace PipeBuild.Workers;

/// <summary>
/// Where a run's work lives in the store, under <c>workers/JOB/</c>: the run document, one write-once item per
/// datum try, a claim document per item (compare-and-swap), and a write-once result per item.
/// </summary>
public static class WorkerKeys
{
    public const string Prefix = "workers/";

    public static string RunPrefix(string jobId) => $"{Prefix}{jobId}/";

    public static string Run(string jobId) => $"{Prefix}{jobId}/run";

    public static string ItemsPrefix(string jobId) => $"{Prefix}{jobId}/items/";

    public static string Item(string jobId, string itemId) => $"{Prefix}{jobId}/items/{itemId}";

    public static string Claim(string jobId, string itemId) => $"{Prefix}{jobId}/claims/{itemId}";

    public static string Result(string jobId, string itemId) => $"{Prefix}{jobId}/results/{itemId}";

    /// <summary>An item's id: the datum and the try, so every retry of a datum is a work item of its own.</summary>
    public static string ItemId(string datumId, int attempt) => $"{datumId}-{attempt}";
}
