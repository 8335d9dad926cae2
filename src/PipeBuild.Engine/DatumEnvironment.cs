using System.Text.RegularExpressions;
using PipeBuild.Core.Pipelines;

namespace PipeBuild.Engine;

/// <summary>
/// What a datum's transform is given, the same under every executor (docs/executors.md#the-datums-environment):
/// its variables, its arguments and stdin lines, and the folders of its sandbox as it sees them. The one thing
/// that differs between executors is <see cref="Pfs"/>, where <c>/pfs</c> is for the transform: the sandbox
/// folder itself for a process on this machine (the local executor, and a worker's), <c>/pfs</c> in a container.
/// </summary>
public sealed partial class DatumEnvironment
{
    /// <summary>Where a container sees the sandbox, and the path a transform's <c>/pfs/...</c> names.</summary>
    public const string ContainerPfs = "/pfs";

    private readonly IReadOnlyList<string> inputNames;

    public DatumEnvironment(PipelineSpec spec, string jobId, Datum datum, string pfs)
    {
        Pfs = pfs;
        Arguments = [.. spec.Command.Skip(1).Select(MapPfs)];
        Stdin = [.. spec.Stdin.Select(MapPfs)];
        inputNames = [.. datum.Inputs.Select(i => i.Name).Distinct(StringComparer.Ordinal)];

        // As in Pachyderm, each input's name stands for the path of what its glob matched ("" is the input's folder).
        Inputs = [.. datum.Inputs.Select(i => KeyValuePair.Create(i.Name, $"{pfs}/{i.Name}/{i.MatchedPath}".TrimEnd('/')))];

        // The pipeline's variables first: the ones describing the job and the datum come after them, so a PipeEnv
        // of the same name cannot make $PIPE_DATUM_ID or an input's variable lie.
        JobVariables =
        [
            .. spec.Env.Select(e => KeyValuePair.Create(e.Key, MapPfs(e.Value))),
            KeyValuePair.Create("PIPE_JOB_ID", jobId),
            KeyValuePair.Create("PACH_JOB_ID", jobId),
            KeyValuePair.Create("PIPE_PIPELINE", spec.Name),
            KeyValuePair.Create("PIPE_PFS", pfs),
        ];
        DatumVariables = [KeyValuePair.Create("PIPE_DATUM_ID", datum.Id), KeyValuePair.Create("PACH_DATUM_ID", datum.Id), .. Inputs];
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in JobVariables.Concat(DatumVariables))
        {
            variables[name] = value; // a group's inputs share a name: its last part's path, as in Pachyderm
        }

        Variables = variables;
    }

    /// <summary>Where <c>/pfs</c> is for the transform.</summary>
    public string Pfs { get; }

    /// <summary>The command's arguments (after the program), <c>/pfs</c> mapped.</summary>
    public IReadOnlyList<string> Arguments { get; }

    /// <summary>The pipeline's <c>Stdin</c> lines, <c>/pfs</c> mapped.</summary>
    public IReadOnlyList<string> Stdin { get; }

    /// <summary>What the transform reads on stdin: each of <see cref="Stdin"/> ended by a newline ("" when none).</summary>
    public string StdinText => string.Concat(Stdin.Select(line => line + "\n"));

    /// <summary>Each input's name and its datum's path, in the datum's order (a group's input once per part).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Inputs { get; }

    /// <summary>What every datum of the job has alike: the pipeline's <c>Env</c> (<c>/pfs</c> mapped), then the job's variables.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> JobVariables { get; }

    /// <summary>The datum's own: its id, and a variable per input (<see cref="Inputs"/>).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> DatumVariables { get; }

    /// <summary><see cref="JobVariables"/> then <see cref="DatumVariables"/>, a later one of a name winning.</summary>
    public IReadOnlyDictionary<string, string> Variables { get; }

    public static DatumEnvironment For(DatumWork work, string pfs) => new(work.Spec, work.JobId, work.Datum, pfs);

    /// <summary>
    /// Rewrites the path <c>/pfs</c> (alone or followed by <c>/...</c>) in a command argument, stdin line or
    /// environment value to <see cref="Pfs"/>: <c>cd /pfs</c> and <c>'/pfs/out'</c> are, <c>/data/pfs</c> and <c>/pfs2</c> are not.
    /// </summary>
    public string MapPfs(string text) => MapPfs(text, Pfs);

    /// <summary>The sandbox's folders and where the transform sees them: each input's read-only at <c>PFS/NAME</c>, the output folder at <c>PFS/out</c>.</summary>
    public IReadOnlyList<DatumMount> Mounts(DatumSandbox sandbox) =>
        [
            .. inputNames.Select(name => new DatumMount(Path.Combine(sandbox.Root, name), $"{Pfs}/{name}", ReadOnly: true)),
            new DatumMount(sandbox.Out, $"{Pfs}/out", ReadOnly: false),
        ];

    public static string MapPfs(string text, string pfs) => PfsPath().Replace(text, pfs.Replace("$", "$$", StringComparison.Ordinal));

    [GeneratedRegex(@"(?<![\w.\-/~$})])/pfs(?![\w.\-])", RegexOptions.CultureInvariant)]
    private static partial Regex PfsPath();
}
