using System.Text.Json.Serialization;
using PipeBuild.Core;

namespace PipeBuild.Store;

/// <summary>
/// Stored file content: how it is stored, its hash and its length in bytes. The hash is held as a
/// <see cref="Core.Digest"/> (a job holds one of these per input file of every datum: a million of them as strings
/// were ~150 MB); it is stored and serialized as its hex form, <see cref="Hash"/>.
/// </summary>
public readonly record struct FileContent(EntryKind Kind, [property: JsonIgnore] Digest Digest, long Size)
{
    /// <exception cref="FormatException"><paramref name="hash"/> is not a content hash.</exception>
    [JsonConstructor]
    public FileContent(EntryKind kind, string hash, long size)
        : this(kind, Digest.Parse(hash), size)
    {
    }

    public string Hash => Digest.ToString();
}
