namespace PipeBuild.Store.S3;

/// <summary>Keeps secrets out of what the store says: endpoints lose any user:password part.</summary>
internal static class S3Redaction
{
    public static string Endpoint(string endpoint) =>
        Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) ? Endpoint(uri) : "(unparsable endpoint)";

    public static string Endpoint(Uri endpoint) =>
        endpoint.UserInfo.Length == 0 ? endpoint.GetLeftPart(UriPartial.Path).TrimEnd('/') : new UriBuilder(endpoint) { UserName = "", Password = "" }.Uri.GetLeftPart(UriPartial.Path).TrimEnd('/');
}
