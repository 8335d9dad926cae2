using System.Net;

namespace PipeBuild.Core;

/// <summary>
/// The addresses the tool's servers (<c>console</c>, <c>s3 serve</c>) listen on, in Kestrel's syntax, and whether an
/// address is reachable from this machine only: that decides whether the server needs a token or keys.
/// </summary>
public static class ListenAddress
{
    /// <summary>
    /// <paramref name="url"/> as a URI; Kestrel's wildcard hosts (http://*:5080, http://+:5080) are read as "any
    /// address". <see cref="ErrorCodes.ConsoleCannotListen"/> unless it is http(s)://HOST:PORT.
    /// </summary>
    public static Uri Parse(string url, string example)
    {
        var text = url.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal);
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.AbsolutePath != "/")
        {
            throw new PipeException(ErrorCodes.ConsoleCannotListen, $"'{url}' is not an address to listen on: write http://HOST:PORT, for example {example}.");
        }

        // Kestrel listens on every address for a host it cannot bind to by name: '999.1.1.1' or a typo would open the
        // server to the network instead of failing.
        if (uri.Host != "localhost" && !IPAddress.TryParse(uri.Host.Trim('[', ']'), out _))
        {
            throw new PipeException(ErrorCodes.ConsoleCannotListen, $"'{uri.Host}' in '{url}' is not an IP address or localhost; write one (0.0.0.0 or * for every address), for example {example}.");
        }

        return uri;
    }

    public static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
}
