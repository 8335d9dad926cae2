namespace PipeBuild.S3Gateway;

/// <summary>How <c>dotnet pipe s3 serve</c> serves.</summary>
public sealed record S3GatewayOptions
{
    public const string DefaultUrl = "http://127.0.0.1:5090";

    /// <summary>The environment variables the keys are read from when not given on the command line.</summary>
    public const string AccessKeyVariable = "PIPE_S3_GATEWAY_ACCESS_KEY";

    public const string SecretKeyVariable = "PIPE_S3_GATEWAY_SECRET_KEY";

    /// <summary>Addresses to listen on (Kestrel's syntax); port 0 picks a free one.</summary>
    public IReadOnlyList<string> Urls { get; init; } = [DefaultUrl];

    /// <summary>
    /// The key pair requests must be signed with (AWS Signature Version 4). Null: anonymous and any signature are
    /// served, which only a loopback address allows.
    /// </summary>
    public string? AccessKey { get; init; }

    public string? SecretKey { get; init; }

    /// <summary>Where the parts of multipart uploads wait for their completion.</summary>
    public required string UploadFolder { get; init; }

    /// <summary>Where a request that failed on the server's side (not the client's) is reported.</summary>
    public TextWriter Errors { get; init; } = TextWriter.Null;

    /// <summary>The clock signatures are checked against (their date must be within 15 minutes of it).</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;
}
