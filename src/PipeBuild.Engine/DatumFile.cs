using PipeBuild.Store;

namespace PipeBuild.Engine;

/// <summary>A file a datum reads: its path in the input repo and its stored content.</summary>
public sealed record DatumFile(string Path, FileContent Content);
