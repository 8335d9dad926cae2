namespace PipeBuild.Store.S3;

/// <summary>One writer's entry in a key's lease queue (see <see cref="S3Leases"/>).</summary>
/// <param name="Choosing">The writer is still picking its number.</param>
/// <param name="Number">Its place in the queue: the lowest (number, entry name) goes first.</param>
/// <param name="Owner">host/pid, for people looking at a stuck lease.</param>
/// <param name="Expires">When the entry stops counting, by the writer's clock (others allow for clock skew).</param>
internal sealed record S3LeaseBody(bool Choosing, long Number, string Owner, DateTimeOffset Expires);
