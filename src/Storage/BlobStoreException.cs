namespace Spgd.Storage;

/// <summary>Base of the failures an <see cref="IBlobStore"/> reports.</summary>
public class BlobStoreException : Exception
{
    /// <summary>Creates the exception.</summary>
    public BlobStoreException(string message, Exception? innerException = null) : base(message, innerException) { }
}
