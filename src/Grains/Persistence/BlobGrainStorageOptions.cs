using Orleans.Storage;

namespace Spgd.Grains.Persistence;

/// <summary>Settings of one named <see cref="BlobGrainStorage"/> provider.</summary>
public sealed class BlobGrainStorageOptions : IStorageProviderSerializerOptions
{
    /// <summary>
    /// How state objects become bytes. When left unset: an <see cref="IGrainStorageSerializer"/> registered under the
    /// provider's name, else Orleans' own binary serializer (<see cref="OrleansGrainStorageSerializer"/>), which is
    /// version tolerant for <c>[GenerateSerializer]</c> types.
    /// </summary>
    public IGrainStorageSerializer GrainStorageSerializer { get; set; } = null!;

    /// <summary>Folder (blob name prefix) under which this provider keeps its state blobs.</summary>
    public string BlobPrefix { get; set; } = "grain-state";

    /// <summary>Clear deletes the blob (true) or overwrites it with an empty blob, keeping an ETag chain (false).</summary>
    public bool DeleteStateOnClear { get; set; } = true;
}
