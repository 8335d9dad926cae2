using PipeBuild.Core;

namespace PipeBuild.Store.S3;

/// <summary>Where a store lives in S3: <c>s3://bucket/prefix</c> (the prefix may be empty).</summary>
public sealed record S3StoreUrl(string Bucket, string Prefix)
{
    public const string Scheme = "s3://";

    /// <summary>Whether <paramref name="value"/> names an S3 store (it may still be malformed).</summary>
    public static bool IsS3(string value) => value.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase);

    public static S3StoreUrl Parse(string value)
    {
        if (!IsS3(value))
        {
            throw Invalid(value, "it does not start with s3://");
        }

        var (bucket, prefix, problem) = Names.SplitS3(value[Scheme.Length..]);
        if (problem is not null)
        {
            throw Invalid(value, problem);
        }

        if (prefix.Contains('@'))
        {
            throw Invalid(value, $"the prefix '{prefix}' has an '@'");
        }

        return new S3StoreUrl(bucket, prefix);
    }

    /// <summary>The object key of a store key: the prefix, then the store key.</summary>
    public string KeyOf(string storeKey) => Prefix.Length == 0 ? storeKey : $"{Prefix}/{storeKey}";

    public override string ToString() => Prefix.Length == 0 ? $"{Scheme}{Bucket}" : $"{Scheme}{Bucket}/{Prefix}";

    private static PipeException Invalid(string value, string why) =>
        new(ErrorCodes.InvalidStoreUrl, $"invalid S3 store '{value}': {why}. Use s3://BUCKET/PREFIX, e.g. s3://my-data/pipebuild.");
}
