namespace Spgd.Storage;

/// <summary>A conditional write or delete found the blob at another version than required (someone else wrote first).</summary>
public sealed class BlobConcurrencyException : BlobStoreException
{
    /// <summary>Creates the exception.</summary>
    public BlobConcurrencyException(string blobName, BlobCondition condition, string? currentETag, Exception? innerException = null)
        : base(Describe(blobName, condition, currentETag), innerException)
    {
        BlobName = blobName;
        Condition = condition;
        CurrentETag = currentETag;
    }

    /// <summary>The blob whose version did not match.</summary>
    public string BlobName { get; }

    /// <summary>The condition that failed.</summary>
    public BlobCondition Condition { get; }

    /// <summary>The ETag found in the store when known (<c>null</c>: absent or not reported).</summary>
    public string? CurrentETag { get; }

    private static string Describe(string name, BlobCondition condition, string? current) => condition.IfNotExists
        ? $"Blob '{name}' already exists (required: absent)."
        : $"Blob '{name}' changed concurrently: required ETag {condition.IfMatchETag}, found {current ?? "none or unknown"}.";
}
