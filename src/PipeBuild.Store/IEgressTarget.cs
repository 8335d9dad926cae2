namespace PipeBuild.Store;

/// <summary>
/// A place outside the store that a pipeline's output is copied to after each output commit (egress,
/// docs/pipeproj.md#egress): a local folder or an S3 prefix. Paths are a commit's file paths, without a leading '/'.
/// </summary>
public interface IEgressTarget : IAsyncDisposable
{
    /// <summary>Where the files go, for messages (an S3 endpoint without credentials).</summary>
    string Location { get; }

    /// <summary>Writes the file, replacing what is at <paramref name="path"/>; a reader sees the old file or the new one, never part of it.</summary>
    Task PutAsync(string path, Stream content, long length, CancellationToken cancellationToken);

    /// <summary>Removes the file at <paramref name="path"/>; one that is not there is no error.</summary>
    Task DeleteAsync(string path, CancellationToken cancellationToken);
}
