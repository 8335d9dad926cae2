namespace PipeBuild.Engine;

/// <summary>A folder of the sandbox (<paramref name="Source"/>, on the host) as the transform sees it (<paramref name="Target"/>).</summary>
public sealed record DatumMount(string Source, string Target, bool ReadOnly);
