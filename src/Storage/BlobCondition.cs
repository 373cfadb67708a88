namespace Spgd.Storage;

/// <summary>Precondition of a write or delete: none, "only this version" (If-Match) or "only if absent" (If-None-Match: *).</summary>
public readonly record struct BlobCondition
{
    private BlobCondition(string? ifMatch, bool ifNotExists)
    {
        IfMatchETag = ifMatch;
        IfNotExists = ifNotExists;
    }

    /// <summary>The ETag the blob must currently have, or <c>null</c>.</summary>
    public string? IfMatchETag { get; }

    /// <summary>Whether the blob must not exist yet.</summary>
    public bool IfNotExists { get; }

    /// <summary>Whether any precondition is set.</summary>
    public bool IsConditional => IfMatchETag is not null || IfNotExists;

    /// <summary>No precondition: last writer wins.</summary>
    public static BlobCondition None => default;

    /// <summary>Succeeds only while the blob is at version <paramref name="eTag"/>.</summary>
    public static BlobCondition IfMatch(string eTag)
    {
        ArgumentException.ThrowIfNullOrEmpty(eTag);
        return new BlobCondition(eTag, false);
    }

    /// <summary>Succeeds only if no blob of that name exists (create-once).</summary>
    public static BlobCondition IfNoneMatch => new(null, true);

    /// <summary>
    /// The usual optimistic-concurrency condition for read-modify-write: <see cref="IfMatch"/> when the caller
    /// saw a version, <see cref="IfNoneMatch"/> when it saw none.
    /// </summary>
    public static BlobCondition ForVersion(string? eTag) => string.IsNullOrEmpty(eTag) ? IfNoneMatch : IfMatch(eTag);

    /// <inheritdoc/>
    public override string ToString() => IfMatchETag is not null ? $"If-Match {IfMatchETag}" : IfNotExists ? "If-None-Match *" : "unconditional";
}
