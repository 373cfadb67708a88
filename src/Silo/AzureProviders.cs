using Azure.Storage.Blobs;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;
using Spgd.Storage;

namespace Spgd.Silo;

/// <summary>
/// The official Orleans Azure providers on the account of an Azure <c>--storage</c> connection string: grain state in
/// Blob Storage (container <c>{results container}-grains</c>), membership and reminders in Table Storage
/// (<c>OrleansSiloInstances</c>, <c>OrleansReminders</c>, partitioned by service and cluster id).
/// </summary>
public static class AzureProviders
{
    /// <summary>The SDK connection string (without the <c>Container=</c> pair) and the results container.</summary>
    public static (string Connection, string Container) Split(string storage)
    {
        if (!ConnectionStrings.IsAzure(storage))
            throw new ArgumentException("Azure clustering needs an Azure storage connection string in --storage / SPGD_STORAGE, not a folder.");
        var container = BlobStoreFactory.DefaultContainer;
        var kept = new List<string>();
        foreach (var part in storage.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (part.StartsWith("Container=", StringComparison.OrdinalIgnoreCase)) container = part["Container=".Length..].Trim();
            else kept.Add(part);
        }
        return (string.Join(';', kept), container);
    }

    /// <summary>The container of grain state next to results container <paramref name="container"/>.</summary>
    public static string GrainStateContainer(string container)
    {
        var name = container + "-grains";
        if (name.Length > 63)
            throw new ArgumentException($"Container '{container}' is too long to name its grain-state container '{name}' (at most 63 characters).");
        return name;
    }

    /// <summary>Grain storage <paramref name="name"/> through <c>Microsoft.Orleans.Persistence.AzureStorage</c>, with
    /// Orleans' binary serializer (as the folder store uses), version tolerant for <c>[GenerateSerializer]</c> state.</summary>
    public static void AddGrainStorage(ISiloBuilder silo, string name, string storage)
    {
        var (connection, container) = Split(storage);
        var grains = GrainStateContainer(container);
        silo.AddAzureBlobGrainStorage(name, (OptionsBuilder<AzureBlobStorageOptions> options) => options.Configure<Serializer>((o, serializer) =>
        {
            o.BlobServiceClient = new BlobServiceClient(connection);
            o.ContainerName = grains;
            o.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer);
        }));
    }

    /// <summary>Membership and reminders in Azure Table Storage.</summary>
    public static void UseClustering(ISiloBuilder silo, string storage)
    {
        var (connection, _) = Split(storage);
        silo.UseAzureStorageClustering(o => o.TableServiceClient = new Azure.Data.Tables.TableServiceClient(connection));
        silo.UseAzureTableReminderService(o => o.TableServiceClient = new Azure.Data.Tables.TableServiceClient(connection));
    }

    /// <summary>A client finds the gateways in the same membership table.</summary>
    public static void UseClustering(IClientBuilder client, string storage)
    {
        var (connection, _) = Split(storage);
        client.UseAzureStorageClustering(o => o.TableServiceClient = new Azure.Data.Tables.TableServiceClient(connection));
    }
}
