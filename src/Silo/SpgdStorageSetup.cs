using Microsoft.Extensions.DependencyInjection;
using Spgd.Grains;
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
        if (ConnectionStrings.IsAzure(settings.Storage)) AzureProviders.AddGrainStorage(silo, SpgdStorage.GrainStorageName, settings.Storage);
        else silo.AddBlobGrainStorage(SpgdStorage.GrainStorageName, _ => store);
    }
}
