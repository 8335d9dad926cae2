using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using PipeBuild.Core;
using PipeBuild.Store;

namespace PipeBuild.Engine;

/// <summary>
/// Writes a successful job's output into the editor of the output branch: an edit of the previous output for
/// the datums that came and went when that output is the base, else the whole output from every result.
/// Two datums writing one path fail the job, naming both (<see cref="CollisionException"/>).
/// </summary>
/// <param name="hashes">the result key of each datum the job planned, by plan index</param>
/// <param name="results">the results the job kept in memory, by plan index; the others are read back</param>
/// <param name="previous">the previous output the job was planned against</param>
/// <param name="datumTable">the job's datum table, which describes the datums a collision names</param>
internal sealed class OutputBuilder(
    VersionStore store, Digest[] hashes, IReadOnlyDictionary<int, DatumResult> results, PreviousOutput? previous, FileContent datumTable)
{
    private const int ResultWindow = 4096;

    /// <returns>
    /// false when the job, planned from changes, cannot finish its output from the datums it planned (planning
    /// them all can); the edit is then to be dropped
    /// </returns>
    public async Task<bool> BuildAsync(TreeEditor editor, CancellationToken cancellationToken)
    {
        if (previous is not null && editor.BaseTree == previous.Tree)
        {
            return await EditAsync(editor, previous, cancellationToken);
        }

        // Someone else moved the output branch, or there is no previous output: start from nothing, which takes
        // every datum's result.
        if (previous is { Partial: true })
        {
            return false;
        }

        await editor.DeleteAsync(RepoPath.Root, cancellationToken);
        await foreach (var (i, result) in ResultsAsync(Enumerable.Range(0, hashes.Length), cancellationToken))
        {
            foreach (var output in result.Outputs)
            {
                // The output started empty: a file already there is an earlier datum's.
                if (await editor.GetAsync(output.Path, cancellationToken) is { IsDirectory: false })
                {
                    throw await CollisionAsync(await OwnerAsync(output.Path, i, cancellationToken), i, output.Path, cancellationToken);
                }

                await editor.SetFileAsync(output.Path, output.Content, cancellationToken);
            }
        }

        return true;
    }

    private async Task<bool> EditAsync(TreeEditor editor, PreviousOutput previous, CancellationToken cancellationToken)
    {
        var current = hashes.ToHashSet();
        foreach (var gone in previous.Logs.Keys.Where(h => !current.Contains(h)))
        {
            var stored = await store.Objects.TryReadAsync(EngineKeys.Result(gone.ToString()), cancellationToken) ?? throw MissingResult(gone);
            foreach (var output in EngineJson.Deserialize<DatumResult>(stored).Outputs)
            {
                await editor.DeleteAsync(output.Path, cancellationToken);
            }
        }

        var added = new Dictionary<string, int>(StringComparer.Ordinal);
        var news = Enumerable.Range(0, hashes.Length).Where(i => !previous.Logs.ContainsKey(hashes[i]));
        await foreach (var (i, result) in ResultsAsync(news, cancellationToken))
        {
            foreach (var output in result.Outputs)
            {
                if (!added.TryAdd(output.Path, i))
                {
                    throw await CollisionAsync(added[output.Path], i, output.Path, cancellationToken);
                }

                if (await editor.GetAsync(output.Path, cancellationToken) is { IsDirectory: false })
                {
                    if (previous.Partial)
                    {
                        return false; // a kept datum's output is in the way: the error names it, and only a full plan knows it
                    }

                    throw await CollisionAsync(await OwnerAsync(output.Path, i, cancellationToken), i, output.Path, cancellationToken);
                }

                await editor.SetFileAsync(output.Path, output.Content, cancellationToken);
            }
        }

        return true;
    }

    /// <summary>The other datum that wrote <paramref name="path"/> (only looked up to name it in the error).</summary>
    private async Task<int> OwnerAsync(string path, int other, CancellationToken cancellationToken)
    {
        await foreach (var (i, result) in ResultsAsync(Enumerable.Range(0, hashes.Length).Where(i => i != other), cancellationToken))
        {
            if (result.Outputs.Any(o => o.Path == path))
            {
                return i;
            }
        }

        throw new InvalidOperationException($"/{path} is in the output, but no datum's result has it");
    }

    /// <summary>
    /// The results of <paramref name="indices"/>' datums, in that order: those the job kept, and the others read a
    /// window at a time and let go once used, so that the output of a million datums is built in little memory.
    /// </summary>
    private async IAsyncEnumerable<(int Index, DatumResult Result)> ResultsAsync(IEnumerable<int> indices, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var window in indices.Chunk(ResultWindow))
        {
            var read = new ConcurrentDictionary<int, DatumResult>();
            await JobPlanner.ReadResultsAsync(store.Objects, hashes, window.Where(i => !results.ContainsKey(i)), (i, result) => read[i] = result, cancellationToken);
            foreach (var i in window)
            {
                yield return (i, results.GetValueOrDefault(i) ?? read.GetValueOrDefault(i) ?? throw MissingResult(hashes[i]));
            }
        }
    }

    private static PipeException MissingResult(Digest hash) =>
        new(ErrorCodes.Corrupt, $"the result of datum hash {hash} is missing from the results index; run 'dotnet pipe fsck', then 'dotnet pipe run --force'.");

    /// <summary>The error naming both datums, as the job's datum table describes them.</summary>
    private async Task<CollisionException> CollisionAsync(int first, int second, string path, CancellationToken cancellationToken)
    {
        var rows = await DatumTable.ReadAsync(store.Content, datumTable, cancellationToken);
        string Describe(int i) => rows.First(row => row.Hash == hashes[i].ToString()).Description;
        return new($"error {ErrorCodes.OutputCollision}: datums ({Describe(first)}) and ({Describe(second)}) both wrote /{path}; make output names unique per datum (for example with $PIPE_DATUM_ID or the input file's name).");
    }

    /// <summary>Two datums wrote one path: the job fails with this message and publishes nothing.</summary>
    internal sealed class CollisionException(string message) : Exception(message);
}
