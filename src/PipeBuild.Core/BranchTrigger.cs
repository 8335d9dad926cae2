using System.Text.Json.Serialization;
using PipeBuild.Core.Pipelines;

namespace PipeBuild.Core;

/// <summary>
/// Pachyderm's branch trigger (<c>pfs.trigger</c>, <c>pachctl create branch --trigger</c>): the branch it is set on moves
/// to the head of <see cref="Branch"/> only when a condition holds, so what reads it processes commits in batches.
/// <see cref="Size"/>: that many bytes added since the triggered branch's head; <see cref="Commits"/>: that many
/// commits since; <see cref="Cron"/>: a tick of the schedule since its head was made. Any one set condition
/// suffices, or every one with <see cref="All"/>. Stored as <c>triggers/REPO/BRANCH</c> (docs/store-format.md).
/// </summary>
public sealed record BranchTrigger(string Branch)
{
    /// <summary>As written (<c>1M</c>, <c>100MB</c>, <c>1Gi</c>; <see cref="ByteSizes"/>).</summary>
    public string? Size { get; init; }

    public int? Commits { get; init; }

    /// <summary>A cron expression or <c>@every DURATION</c> (<see cref="CronSchedule"/>), in UTC.</summary>
    public string? Cron { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool All { get; init; }

    /// <summary>The field that is wrong ("branch", "size", "commits" or "cron") and why, or null for a trigger to set on <paramref name="triggered"/>.</summary>
    public (string Field, string Message)? Problem(string triggered)
    {
        if (!Names.IsValid(Branch))
        {
            return ("branch", $"'{Branch}' is not a branch name: use 1 to {Names.MaxLength} letters, digits, '_' or '-', not starting with '-'.");
        }

        if (Branch == triggered)
        {
            return ("branch", $"branch '{triggered}' cannot be triggered by itself; name the branch whose commits it follows (master).");
        }

        if (Size is { } size && !ByteSizes.TryParse(size, out _))
        {
            return ("size", $"'{size}' is not a size. {ByteSizes.Hint}");
        }

        if (Commits is < 1)
        {
            return ("commits", $"{Commits} is not a number of commits; use 1 or more.");
        }

        if (Cron is { } cron && CronSchedule.Problem(cron) is { } why)
        {
            return ("cron", $"'{cron}' is not a schedule ({why}). Use a cron expression (*/10 * * * *) or @every 1h.");
        }

        return Size is null && Commits is null && Cron is null
            ? ("branch", $"the trigger on '{triggered}' has no condition, so it would never move it; give a size, a number of commits or a cron schedule.")
            : null;
    }

    /// <summary>As Pachyderm's <c>list branch</c> shows it: <c>master on Size(1M)</c>, conditions joined by <c>or</c> (<c>and</c> with <see cref="All"/>).</summary>
    public override string ToString()
    {
        IEnumerable<string?> conditions = [Size is null ? null : $"Size({Size})", Commits is null ? null : $"Commits({Commits})", Cron is null ? null : $"Cron({Cron})"];
        return $"{Branch} on {string.Join(All ? " and " : " or ", conditions.OfType<string>())}";
    }
}
