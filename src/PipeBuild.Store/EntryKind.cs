using System.Text.Json.Serialization;

namespace PipeBuild.Store;

/// <summary>What a tree entry's hash names.</summary>
public enum EntryKind
{
    /// <summary>A file stored as one object: the hash is the SHA-256 of its bytes.</summary>
    [JsonStringEnumMemberName("file")]
    File,

    /// <summary>A large file stored as content-defined chunks: the hash names its chunk list.</summary>
    [JsonStringEnumMemberName("chunked")]
    ChunkedFile,

    /// <summary>A directory: the hash names its tree object.</summary>
    [JsonStringEnumMemberName("directory")]
    Directory,
}
