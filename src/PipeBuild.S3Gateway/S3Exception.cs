namespace PipeBuild.S3Gateway;

/// <summary>An S3 error answer: the HTTP status and S3's error code, which clients map to their own exceptions.</summary>
internal sealed class S3Exception(int status, string code, string message) : Exception(message)
{
    public int Status { get; } = status;

    public string Code { get; } = code;

    public static S3Exception NoSuchBucket(string bucket, string why) => new(404, "NoSuchBucket", $"The specified bucket does not exist: {bucket} ({why}).");

    public static S3Exception NoSuchKey(string key) => new(404, "NoSuchKey", $"The specified key does not exist: {key}.");

    public static S3Exception InvalidArgument(string message) => new(400, "InvalidArgument", message);

    public static S3Exception NotImplemented(string what) => new(501, "NotImplemented", $"{what} is not implemented by the PipeBuild S3 gateway.");

    public static S3Exception AccessDenied(string message) => new(403, "AccessDenied", message);

    public static S3Exception SignatureDoesNotMatch(string message) => new(403, "SignatureDoesNotMatch", message);

    public static S3Exception MalformedXml(string message) => new(400, "MalformedXML", message);
}
