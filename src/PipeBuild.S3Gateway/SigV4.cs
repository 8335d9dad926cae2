using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace PipeBuild.S3Gateway;

/// <summary>What a verified signature gives the body's chunk signatures to chain from.</summary>
internal sealed record SignedRequest(string Date, string Scope, byte[] SigningKey, string Signature);

/// <summary>
/// AWS Signature Version 4 as S3 uses it, verified on the server: in the Authorization header or in the query
/// (presigned URLs), with the payload's hash, <c>UNSIGNED-PAYLOAD</c> or a streaming payload in
/// <c>x-amz-content-sha256</c>. https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-authenticating-requests.html
/// </summary>
internal static class SigV4
{
    public const string Algorithm = "AWS4-HMAC-SHA256";
    public const string UnsignedPayload = "UNSIGNED-PAYLOAD";
    public const string ContentSha256 = "x-amz-content-sha256";
    public static readonly string EmptySha256 = Hex(SHA256.HashData([]));
    private static readonly TimeSpan MaxSkew = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Checks the request's signature against the key pair; throws the S3 error a client expects (AccessDenied when
    /// unsigned, InvalidAccessKeyId, SignatureDoesNotMatch, RequestTimeTooSkewed, AccessDenied for an expired URL).
    /// </summary>
    public static SignedRequest Verify(HttpRequest request, string accessKey, string secretKey, DateTimeOffset now)
    {
        var header = request.Headers.Authorization.ToString();
        var presigned = request.Query.ContainsKey("X-Amz-Signature");
        if (header.Length == 0 && !presigned)
        {
            throw S3Exception.AccessDenied("Anonymous access is refused: this gateway needs requests signed (AWS Signature Version 4) with its key pair.");
        }

        string credential, signedHeaders, signature, date, payloadHash;
        if (presigned)
        {
            if (request.Query["X-Amz-Algorithm"] != Algorithm)
            {
                throw new S3Exception(400, "AuthorizationQueryParametersError", $"X-Amz-Algorithm must be {Algorithm}.");
            }

            credential = request.Query["X-Amz-Credential"].ToString();
            signedHeaders = request.Query["X-Amz-SignedHeaders"].ToString();
            signature = request.Query["X-Amz-Signature"].ToString();
            date = request.Query["X-Amz-Date"].ToString();
            payloadHash = UnsignedPayload;
            if (!int.TryParse(request.Query["X-Amz-Expires"], NumberStyles.None, CultureInfo.InvariantCulture, out var expires) || ParseDate(date) + TimeSpan.FromSeconds(expires) < now)
            {
                throw S3Exception.AccessDenied("Request has expired.");
            }
        }
        else
        {
            if (!header.StartsWith(Algorithm + " ", StringComparison.Ordinal))
            {
                throw new S3Exception(400, "AuthorizationHeaderMalformed", $"Only {Algorithm} (Signature Version 4) is supported.");
            }

            var fields = header[(Algorithm.Length + 1)..].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                .Select(f => f.Split('=', 2)).Where(f => f.Length == 2).ToDictionary(f => f[0], f => f[1], StringComparer.Ordinal);
            if (!fields.TryGetValue("Credential", out credential!) || !fields.TryGetValue("SignedHeaders", out signedHeaders!) || !fields.TryGetValue("Signature", out signature!))
            {
                throw new S3Exception(400, "AuthorizationHeaderMalformed", "The Authorization header needs Credential, SignedHeaders and Signature.");
            }

            date = request.Headers["x-amz-date"].ToString();
            payloadHash = request.Headers[ContentSha256].ToString();
            if (payloadHash.Length == 0)
            {
                throw new S3Exception(400, "InvalidRequest", $"Signed requests need the {ContentSha256} header.");
            }

            if ((ParseDate(date) - now).Duration() > MaxSkew)
            {
                throw new S3Exception(403, "RequestTimeTooSkewed", "The difference between the request time and the server's time is too large.");
            }
        }

        var scope = credential.Split('/');
        if (scope.Length != 5 || scope[3] != "s3" || scope[4] != "aws4_request" || !date.StartsWith(scope[1], StringComparison.Ordinal))
        {
            throw new S3Exception(400, "AuthorizationHeaderMalformed", $"The credential scope '{credential}' is not ACCESS_KEY/DATE/REGION/s3/aws4_request.");
        }

        if (!Same(scope[0], accessKey))
        {
            throw new S3Exception(403, "InvalidAccessKeyId", "The access key Id you provided does not exist in our records.");
        }

        var canonical = string.Join('\n',
            request.Method,
            EncodePath(request.Path.Value ?? "/"),
            CanonicalQuery(request.QueryString.Value),
            string.Concat(signedHeaders.Split(';').Select(h => $"{h}:{HeaderValue(request, h)}\n")),
            signedHeaders,
            payloadHash);
        var credentialScope = string.Join('/', scope[1..]);
        var signingKey = SigningKey(secretKey, scope[1], scope[2]);
        var expected = Sign(signingKey, $"{Algorithm}\n{date}\n{credentialScope}\n{Sha256Hex(canonical)}");
        if (!Same(expected, signature))
        {
            throw S3Exception.SignatureDoesNotMatch("The request signature we calculated does not match the signature you provided. Check your key and signing method.");
        }

        return new SignedRequest(date, credentialScope, signingKey, signature);
    }

    public static string Sign(byte[] key, string stringToSign) => Hex(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(stringToSign)));

    public static string Sha256Hex(string text) => Hex(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    public static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);

    public static bool Same(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));

    /// <summary>S3's URI encoding: every byte but the unreserved characters as %XX; '/' kept in a path.</summary>
    public static string Encode(string text, bool keepSlash = false)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            if (char.IsAsciiLetterOrDigit((char)b) || b is (byte)'-' or (byte)'_' or (byte)'.' or (byte)'~' || (keepSlash && b == '/'))
            {
                builder.Append((char)b);
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }

    /// <summary>
    /// The path as the client signed it: Kestrel has decoded it (all but %2F), so it is decoded fully and encoded
    /// again the one canonical way.
    /// </summary>
    private static string EncodePath(string path) => Encode(Uri.UnescapeDataString(path), keepSlash: true);

    private static string CanonicalQuery(string? query)
    {
        if (string.IsNullOrEmpty(query) || query == "?")
        {
            return "";
        }

        return string.Join('&', query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .Select(p => (Name: Encode(Uri.UnescapeDataString(p[0])), Value: p.Length > 1 ? Encode(Uri.UnescapeDataString(p[1])) : ""))
            .Where(p => p.Name != "X-Amz-Signature")
            .OrderBy(p => p.Name, StringComparer.Ordinal).ThenBy(p => p.Value, StringComparer.Ordinal)
            .Select(p => $"{p.Name}={p.Value}"));
    }

    private static string HeaderValue(HttpRequest request, string name)
    {
        var values = name == "host" ? request.Host.Value ?? "" : string.Join(',', request.Headers[name].Select(v => v ?? ""));
        return string.Join(' ', values.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }

    private static byte[] SigningKey(string secret, string day, string region)
    {
        var key = HMACSHA256.HashData(Encoding.UTF8.GetBytes("AWS4" + secret), Encoding.UTF8.GetBytes(day));
        key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(region));
        key = HMACSHA256.HashData(key, "s3"u8);
        return HMACSHA256.HashData(key, "aws4_request"u8);
    }

    private static DateTimeOffset ParseDate(string date) =>
        DateTimeOffset.TryParseExact(date, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
            ? parsed
            : throw S3Exception.AccessDenied($"The request's date '{date}' is not in ISO 8601 basic format (yyyyMMddTHHmmssZ).");
}
