using System.Globalization;
using System.Text.Json;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace PipeBuild.Tasks;

/// <summary>The jobs a command ran (its <c>--output json</c>), as task output items and log lines.</summary>
internal static class JobItems
{
    /// <summary>
    /// One item per job (the job id) with metadata <c>Pipeline</c>, <c>State</c>, <c>DatumsTotal</c>,
    /// <c>DatumsProcessed</c> (ran), <c>DatumsSkipped</c> (reused), <c>DatumsFailed</c>, <c>OutputCommit</c>.
    /// Logs one line per job and an error per failed job.
    /// </summary>
    public static ITaskItem[] Read(JsonElement jobs, TaskLoggingHelper log, string task, string? file)
    {
        if (jobs.ValueKind != JsonValueKind.Array)
        {
            return [];
        }

        var items = new List<ITaskItem>();
        foreach (var job in jobs.EnumerateArray())
        {
            var item = new TaskItem(Text(job, "id"));
            item.SetMetadata("Pipeline", Text(job, "pipeline"));
            item.SetMetadata("State", Text(job, "state"));
            foreach (var count in (string[])["datumsTotal", "datumsProcessed", "datumsSkipped", "datumsFailed"])
            {
                item.SetMetadata(char.ToUpperInvariant(count[0]) + count[1..], job.TryGetProperty(count, out var n) ? n.GetInt32().ToString(CultureInfo.InvariantCulture) : "0");
            }

            item.SetMetadata("OutputCommit", Text(job, "outputCommit"));
            items.Add(item);

            var id = item.ItemSpec.Length > 12 ? item.ItemSpec[..12] : item.ItemSpec;
            var summary = $"{task}: job {id} {item.GetMetadata("Pipeline")}: {item.GetMetadata("State")}, {item.GetMetadata("DatumsProcessed")} datum(s) ran, {item.GetMetadata("DatumsSkipped")} reused, {item.GetMetadata("DatumsFailed")} failed of {item.GetMetadata("DatumsTotal")}";
            if (item.GetMetadata("State") == "success")
            {
                log.LogMessage(MessageImportance.High, summary);
                continue;
            }

            var failures = job.TryGetProperty("failures", out var list) && list.ValueKind == JsonValueKind.Array
                ? list.EnumerateArray().Take(5).Select(f => $" datum {Text(f, "description")}: {Text(f, "reason")}.")
                : [];
            log.LogError(null, Core.ErrorCodes.JobFailed, null, file, 0, 0, 0, 0,
                $"{summary}. {Text(job, "reason")}{string.Concat(failures)}");
        }

        if (items.Count == 0)
        {
            log.LogMessage(MessageImportance.High, $"{task}: everything is up to date");
        }

        return [.. items];
    }

    private static string Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "";
}
