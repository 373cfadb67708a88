using Microsoft.Extensions.DependencyInjection;
using Spgd.Grains;
using Spgd.Grains.Persistence;
using Spgd.Storage;

namespace Spgd.Silo;

/// <summary>
/// One blob store (folder or Azure container, from <c>--storage</c>) holds both the results and the
/// grains' persisted state, so every silo of a cluster sees the same jobs.
/// </summary>
internal static class SpgdStorageSetup
{
    public static void Add(ISiloBuilder silo, SpgdSiloSettings settings)
    {
        if (string.IsNullOrWhiteSpace(settings.Storage))
            throw new ArgumentException("A silo needs --storage / SPGD_STORAGE: a folder path or an Azure storage connection string.");
        var store = BlobStoreFactory.Create(settings.Storage);
        silo.Services.AddSingleton(store);
        silo.AddBlobGrainStorage(SpgdStorage.GrainStorageName, _ => store);
    }
}
