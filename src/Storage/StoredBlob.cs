namespace Spgd.Storage;

/// <summary>The content of a blob together with the ETag of exactly that content.</summary>
/// <param name="Content">The whole blob.</param>
/// <param name="ETag">Opaque version tag; pass it to <see cref="BlobCondition.IfMatch"/> to update only this version.</param>
public sealed record StoredBlob(byte[] Content, string ETag);
