namespace Spgd.Storage;

/// <summary>
/// A flat namespace of named byte blobs with optimistic concurrency through ETags, the common ground of a
/// local folder and an Azure Blob container. Names use '/' as separator (e.g. <c>jobs/j1/spec.json</c>).
/// </summary>
/// <remarks>
/// Every method throws <see cref="InvalidBlobNameException"/> for a malformed name,
/// <see cref="BlobConcurrencyException"/> when a <see cref="BlobCondition"/> does not hold, and
/// <see cref="BlobStoreUnavailableException"/> when the store cannot be reached (after the store's own retries).
/// </remarks>
public interface IBlobStore
{
    /// <summary>Writes a whole blob, replacing any previous content, if <paramref name="condition"/> holds.</summary>
    /// <returns>The ETag of the content just written.</returns>
    Task<string> PutAsync(string name, ReadOnlyMemory<byte> content, BlobCondition condition = default, CancellationToken cancellationToken = default);

    /// <summary>Writes a whole blob from a stream (read to its end), if <paramref name="condition"/> holds.</summary>
    /// <returns>The ETag of the content just written.</returns>
    Task<string> PutAsync(string name, Stream content, BlobCondition condition = default, CancellationToken cancellationToken = default);

    /// <summary>Reads a whole blob with its ETag, or <c>null</c> when it does not exist.</summary>
    Task<StoredBlob?> GetAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Whether a blob of that name exists.</summary>
    Task<bool> ExistsAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes a blob if <paramref name="condition"/> holds. Returns <c>false</c> when there was nothing to delete
    /// and no condition was given; a missing blob under <see cref="BlobCondition.IfMatch"/> is a concurrency conflict.
    /// </summary>
    Task<bool> DeleteAsync(string name, BlobCondition condition = default, CancellationToken cancellationToken = default);

    /// <summary>Names of all blobs that start with <paramref name="prefix"/> (plain string prefix), in ordinal order.</summary>
    Task<IReadOnlyList<string>> ListAsync(string prefix = "", CancellationToken cancellationToken = default);
}
