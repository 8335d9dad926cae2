using Microsoft.Win32.SafeHandles;

namespace PipeBuild.Engine;

/// <summary>An input file of a sandbox, open to be written.</summary>
/// <param name="Recycled">an existing file taken over (its old length and mode must be reset after writing)</param>
/// <param name="Owner">what owns <paramref name="Handle"/>, if not the handle itself</param>
internal sealed record InputFile(SafeFileHandle Handle, bool Recycled, IDisposable? Owner = null) : IDisposable
{
    public void Dispose() => (Owner ?? Handle).Dispose();
}
