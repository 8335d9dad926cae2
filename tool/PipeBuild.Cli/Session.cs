using System.CommandLine;
using PipeBuild.Store;

namespace PipeBuild.Cli;

/// <summary>What a command runs against: the parsed command line, the workspace and its store (opened on first use).</summary>
internal sealed class Session(ParseResult parseResult) : IAsyncDisposable
{
    private Workspace? workspace;
    private IObjectStore? objects;
    private VersionStore? store;

    public ParseResult Parse => parseResult;

    public Renderer Out { get; } = new(parseResult.GetValue(GlobalOptions.Output));

    public Workspace Workspace => workspace ??= Workspace.Find(parseResult.GetValue(GlobalOptions.Workspace));

    public VersionStore Store => store ??= new VersionStore(objects = Workspace.OpenObjectStore());

    public T Get<T>(Option<T> option) => parseResult.GetValue(option)!;

    public T Get<T>(Argument<T> argument) => parseResult.GetValue(argument)!;

    public async ValueTask DisposeAsync()
    {
        if (objects is not null)
        {
            await objects.DisposeAsync();
        }
    }
}
