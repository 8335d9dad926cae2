using PipeBuild.Core;

namespace PipeBuild.Engine;

/// <summary>The DAG of pipelines: a pipeline depends on the pipelines whose output repos it reads.</summary>
public static class PipelineGraph
{
    /// <summary>The pipelines in dependency order; a cycle is an error naming it.</summary>
    public static IReadOnlyList<PipelineDocument> Order(IReadOnlyList<PipelineDocument> pipelines)
    {
        var byName = pipelines.ToDictionary(p => p.Name, StringComparer.Ordinal);
        var ordered = new List<PipelineDocument>();
        var state = new Dictionary<string, int>(StringComparer.Ordinal); // 1 visiting, 2 done
        foreach (var pipeline in pipelines.OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            Visit(pipeline, [], byName, state, ordered);
        }

        return ordered;
    }

    public static void EnsureAcyclic(IReadOnlyList<PipelineDocument> pipelines) => Order(pipelines);

    /// <summary>
    /// Pipelines downstream of <paramref name="repos"/> (transitively), in dependency order; not those writing them,
    /// whose outputs are what changed.
    /// </summary>
    public static IReadOnlyList<PipelineDocument> Downstream(IReadOnlyList<PipelineDocument> pipelines, IReadOnlyCollection<string> repos)
    {
        var affected = new HashSet<string>(StringComparer.Ordinal);
        var frontier = new Queue<string>(repos);
        while (frontier.TryDequeue(out var changed))
        {
            foreach (var reader in pipelines.Where(p => p.InputRepos.Contains(changed) && affected.Add(p.Name)))
            {
                frontier.Enqueue(reader.Name);
            }
        }

        return [.. Order(pipelines).Where(p => affected.Contains(p.Name) && !repos.Contains(p.Name))];
    }

    private static void Visit(PipelineDocument pipeline, List<string> path, Dictionary<string, PipelineDocument> byName, Dictionary<string, int> state, List<PipelineDocument> ordered)
    {
        switch (state.GetValueOrDefault(pipeline.Name))
        {
            case 2:
                return;
            case 1:
                var cycle = path.SkipWhile(p => p != pipeline.Name).Append(pipeline.Name);
                throw new PipeException(ErrorCodes.PipelineCycle, $"pipelines form a cycle: {string.Join(" -> ", cycle)}. A pipeline cannot read, directly or through others, its own output.");
        }

        state[pipeline.Name] = 1;
        path.Add(pipeline.Name);
        foreach (var input in pipeline.InputRepos.Order(StringComparer.Ordinal))
        {
            if (byName.TryGetValue(input, out var upstream))
            {
                Visit(upstream, path, byName, state, ordered);
            }
        }

        path.RemoveAt(path.Count - 1);
        state[pipeline.Name] = 2;
        ordered.Add(pipeline);
    }
}
