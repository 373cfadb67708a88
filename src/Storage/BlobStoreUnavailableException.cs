namespace Spgd.Storage;

/// <summary>
/// The store could not be reached or failed transiently, and the store's own retries are exhausted.
/// Callers may retry later; the operation may or may not have taken effect.
/// </summary>
public sealed class BlobStoreUnavailableException : BlobStoreException
{
    /// <summary>Creates the exception.</summary>
    public BlobStoreUnavailableException(string message, Exception? innerException = null) : base(message, innerException) { }
}
