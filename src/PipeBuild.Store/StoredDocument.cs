namespace PipeBuild.Store;

/// <summary>A document's content and the opaque version that a compare-and-swap must name.</summary>
public sealed record StoredDocument(byte[] Content, string Version);
