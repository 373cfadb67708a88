namespace Spgd.Storage;

/// <summary>Turns the single <c>--storage</c> setting into a store: a folder path or an Azure connection string.</summary>
public static class BlobStoreFactory
{
    /// <summary>The container used when the connection string names none.</summary>
    public const string DefaultContainer = "spgd";

    /// <summary>
    /// A folder path gives a <see cref="FileBlobStore"/>; an Azure connection string (with <c>AccountName=</c>,
    /// <c>UseDevelopmentStorage=true</c> or <c>BlobEndpoint=</c>) gives an <see cref="AzureBlobStore"/> on the container
    /// named by an extra <c>Container=name</c> pair (removed before it reaches the SDK), else <paramref name="defaultContainer"/>.
    /// </summary>
    public static IBlobStore Create(string storage, string defaultContainer = DefaultContainer, AzureBlobStoreOptions? azureOptions = null)
    {
        if (string.IsNullOrWhiteSpace(storage))
            throw new ArgumentException("The storage setting is empty: give a folder path or an Azure storage connection string.", nameof(storage));
        if (!ConnectionStrings.IsAzure(storage)) return new FileBlobStore(storage);

        var container = defaultContainer;
        var kept = new List<string>();
        foreach (var part in storage.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (part.StartsWith("Container=", StringComparison.OrdinalIgnoreCase)) container = part["Container=".Length..].Trim();
            else kept.Add(part);
        }
        return new AzureBlobStore(string.Join(';', kept), container, azureOptions);
    }

    /// <summary>
    /// A store on <paramref name="container"/> of the account that the Azure connection string <paramref name="storage"/>
    /// names (its <c>Container=</c> pair, if any, is ignored).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="storage"/> is a folder, not an Azure connection string.</exception>
    public static IBlobStore CreateInContainer(string storage, string container, AzureBlobStoreOptions? azureOptions = null)
    {
        if (string.IsNullOrWhiteSpace(storage) || !ConnectionStrings.IsAzure(storage))
            throw new ArgumentException("Only Azure storage has containers; this storage is a folder.", nameof(storage));
        var kept = storage.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(p => !p.StartsWith("Container=", StringComparison.OrdinalIgnoreCase));
        return new AzureBlobStore(string.Join(';', kept), container, azureOptions);
    }
}
