using Microsoft.Extensions.DependencyInjection;
using Spgd.Grains;
using Spgd.Grains.Datasets;
using Spgd.Grains.Persistence;
using Spgd.Storage;

namespace Spgd.Silo;

/// <summary>
/// One storage setting (folder or Azure account, from <c>--storage</c>) holds both the results and the grains' persisted
/// state, so every silo of a cluster sees the same jobs. On Azure the state goes through the official Orleans blob
/// provider (<see cref="AzureProviders"/>); a folder (single host, development) keeps it in the folder's <c>grain-state/</c>.
/// </summary>
internal static class SpgdStorageSetup
{
    public static void Add(ISiloBuilder silo, SpgdSiloSettings settings)
    {
        if (string.IsNullOrWhiteSpace(settings.Storage))
            throw new ArgumentException("A silo needs --storage / SPGD_STORAGE: a folder path or an Azure storage connection string.");
        var store = BlobStoreFactory.Create(settings.Storage);
        silo.Services.AddSingleton(store);
        // Data sets: blob prefixes of this store or of another container of the same account; read through a bounded cache.
        var storage = settings.Storage;
        silo.Services.AddSingleton(new DatasetStores(store,
            ConnectionStrings.IsAzure(storage) ? container => BlobStoreFactory.CreateInContainer(storage, container) : null));
        silo.Services.AddSingleton(new BlobImageCache(
            settings.DataCache ?? Path.Combine(Path.GetTempPath(), "spgd-data-cache"), settings.DataCacheBytes ?? BlobImageCache.DefaultMaxBytes));
        // Confinement is on in every silo host: roots from SPGD_DATA_ROOTS, else the storage folder and the working folder.
        silo.Services.AddSingleton(DataRoots.From(settings.DataRoots,
            [ConnectionStrings.IsAzure(storage) ? null : storage, Directory.GetCurrentDirectory(), settings.ModelCache], settings.ModelCache));
        if (ConnectionStrings.IsAzure(storage)) AzureProviders.AddGrainStorage(silo, SpgdStorage.GrainStorageName, storage);
        else silo.AddBlobGrainStorage(SpgdStorage.GrainStorageName, _ => store);
    }
}
