using Spgd.Cluster.Tests.Infrastructure;
using Spgd.Contracts.Jobs;
using Spgd.Storage;

namespace Spgd.Cluster.Tests.Faults;

/// <summary>A fresh Azurite container for one fault test, and what a finished job left in it.</summary>
internal sealed class FaultStorage(AzuriteFixture azurite)
{
    public string Container { get; } = AzuriteFixture.NewContainerName("faults");

    /// <summary>The silos' <c>SPGD_STORAGE</c>: Azurite's connection string (with its account key) naming the container.</summary>
    public string ConnectionString => azurite.ConnectionString + $"Container={Container};";

    public IBlobStore Open() => BlobStoreFactory.Create(ConnectionString);

    /// <summary>Item ids of the blobs under <c>jobs/{job}/items/</c> ending in <paramref name="extension"/>.</summary>
    public async Task<List<string>> ItemBlobsAsync(string jobId, string extension)
    {
        var prefix = $"jobs/{jobId}/items/";
        var names = await Open().ListAsync(prefix);
        // Each item's own blob (its restoration or record), not the clean and measurement images stored beside it.
        return names.Where(n => n.EndsWith(extension, StringComparison.Ordinal)
                && !n.EndsWith(".clean" + extension, StringComparison.Ordinal) && !n.EndsWith(".measurement" + extension, StringComparison.Ordinal))
            .Select(n => n[prefix.Length..^extension.Length]).ToList();
    }

    /// <summary>The item records of a job, as stored by the workers.</summary>
    public async Task<List<ItemOutcome>> ItemRecordsAsync(string jobId)
    {
        var store = Open();
        var records = new List<ItemOutcome>();
        foreach (var id in await ItemBlobsAsync(jobId, ".json"))
        {
            var blob = await store.GetAsync(ItemKeys.ItemJson(jobId, id));
            Assert.NotNull(blob);
            records.Add(System.Text.Json.JsonSerializer.Deserialize<ItemOutcome>(blob.Content, Spgd.Grains.Devices.ItemJson.Options)!);
        }
        return records;
    }
}
