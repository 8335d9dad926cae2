using PipeBuild.Core;

namespace PipeBuild.Engine;

/// <summary>A <see cref="JobDatum"/> without its description, its hashes held as <see cref="Digest"/>s (<see cref="DatumTable.ReadKeysAsync"/>).</summary>
public readonly record struct DatumKeys(Digest Id, Digest Hash, DatumState State, Digest? Log);
