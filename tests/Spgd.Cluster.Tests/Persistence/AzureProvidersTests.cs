using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Orleans.Hosting;
using Orleans.Storage;
using Orleans.TestingHost;
using Spgd.Cluster.Tests.Faults;
using Spgd.Cluster.Tests.Infrastructure;
using Spgd.Contracts.Jobs;
using Spgd.Silo;
using Spgd.Storage;
using Xunit.Abstractions;

namespace Spgd.Cluster.Tests.Persistence;

/// <summary>
/// The official Orleans Azure providers as the silo configures them (<see cref="AzureProviders"/>), against Azurite:
/// grain state in blobs through Microsoft.Orleans.Persistence.AzureStorage, membership and reminders in tables.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzureProvidersTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    [Fact]
    public async Task Official_blob_grain_storage_keeps_state_through_a_cluster_restart_and_refuses_a_stale_write()
    {
        var container = AzuriteFixture.NewContainerName("p");
        var storage = azurite.ConnectionString + $"Container={container};";
        async Task<InProcessTestCluster> Start()
        {
            var builder = new InProcessTestClusterBuilder(1);
            builder.ConfigureSilo((_, silo) => AzureProviders.AddGrainStorage(silo, "blobs", storage));
            var cluster = builder.Build();
            await cluster.DeployAsync();
            return cluster;
        }

        await using (var cluster = await Start())
        {
            var grain = cluster.Client.GetGrain<IPersistentCounterGrain>("job-1");
            await grain.Increment();
            await grain.Increment();
            Assert.Equal(3, await grain.Increment());
        }

        // The state is a blob of the grain-state container next to the results container, which stays empty.
        var grains = new BlobContainerClient(azurite.ConnectionString, container + "-grains");
        var blob = Assert.Single(grains.GetBlobs().ToList());
        Assert.Contains("job-1", blob.Name);
        Assert.False(await new BlobContainerClient(azurite.ConnectionString, container).ExistsAsync());

        await using (var cluster = await Start())
        {
            var grain = cluster.Client.GetGrain<IPersistentCounterGrain>("job-1");
            Assert.Equal(3, await grain.Get()); // read back after a full restart

            // Another writer changes the blob behind the activation's back: its next write must not overwrite it.
            await grains.GetBlobClient(blob.Name).UploadAsync(BinaryData.FromString("foreign"), overwrite: true);
            await Assert.ThrowsAsync<InconsistentStateException>(() => grain.Increment());
            Assert.Equal("foreign", (await grains.GetBlobClient(blob.Name).DownloadContentAsync()).Value.Content.ToString());
        }
    }

    [Fact]
    public async Task A_cluster_on_azure_tables_and_blobs_resumes_its_job_by_reminder_after_every_silo_is_killed()
    {
        // An account of its own: the membership and reminder tables then hold this cluster only.
        using var account = new AzuriteFixture();
        var storage = account.ConnectionStringWithTables + "Container=azure-cluster;";
        await using var cluster = await ProcessCluster.StartAsync(storage, azureClustering: true);
        cluster.AddSilo("control");
        cluster.AddSilo("compute", "cpu", slots: 2, simulateMs: 300);
        await cluster.WaitReadyAsync(TimeSpan.FromMinutes(2));

        var submit = await cluster.SpgdAsync(TimeSpan.FromMinutes(1), ["submit", "--id", "azure-job", "--images", "20", .. SiloFailoverTests.TinyJob]);
        Assert.True(submit.ExitCode == 0, submit.Output);
        await using (var client = await cluster.ConnectAsync())
            await ProcessCluster.WaitForAsync(client.Client, "azure-job", s => s.Succeeded >= 6, TimeSpan.FromMinutes(2));
        foreach (var silo in cluster.Silos) await silo.KillAsync();

        // What the official providers stored: both silos in the membership table, the job's reminder, the job's state.
        var (connection, _) = AzureProviders.Split(storage);
        var tables = new TableServiceClient(connection);
        var members = tables.GetTableClient("OrleansSiloInstances").Query<TableEntity>().ToList();
        output.WriteLine($"membership rows: {string.Join(", ", members.Select(m => m.GetString("SiloName") ?? m.RowKey))}");
        Assert.Contains(members, m => m.GetString("SiloName") == "control");
        Assert.Contains(members, m => m.GetString("SiloName") == "compute");
        var reminders = tables.GetTableClient("OrleansReminders").Query<TableEntity>().ToList();
        Assert.Contains(reminders, r => r.GetString("ReminderName") == "resume" && (r.GetString("GrainReference") ?? r.RowKey).Contains("azure-job"));
        var stateBlobs = new BlobContainerClient(connection, "azure-cluster-grains").GetBlobs().Select(b => b.Name).ToList();
        Assert.Contains(stateBlobs, b => b.Contains("azure-job"));

        var results = BlobStoreFactory.Create(storage);
        Assert.Null(await results.GetAsync(ItemKeys.EvaluationJson("azure-job")));
        foreach (var silo in cluster.Silos) silo.Start();
        await cluster.WaitReadyAsync(TimeSpan.FromMinutes(2));

        // Nobody calls the job: only its reminder, read from the table, re-activates it, and it resumes from its blob state.
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        while (await results.GetAsync(ItemKeys.EvaluationJson("azure-job")) is null)
        {
            Assert.True(DateTime.UtcNow < deadline, "the job did not finish after the restart:\n" + cluster.Logs);
            await Task.Delay(500);
        }
        await using (var client = await cluster.ConnectAsync())
        {
            var end = await client.Client.GetGrain<IJobGrain>("azure-job").GetStatusAsync();
            Assert.Equal(JobState.Completed, end.State);
            Assert.Equal(40, end.Succeeded);
        }
        Secrets.AssertAbsent(account, cluster.Logs, "silo logs");
    }

    [Fact]
    public void The_connection_string_loses_its_container_pair_and_names_the_grain_state_container()
    {
        var (connection, container) = AzureProviders.Split("AccountName=a;AccountKey=k;Container=results;EndpointSuffix=core.windows.net");
        Assert.Equal("AccountName=a;AccountKey=k;EndpointSuffix=core.windows.net", connection);
        Assert.Equal("results", container);
        Assert.Equal("results-grains", AzureProviders.GrainStateContainer(container));
        Assert.Equal(BlobStoreFactory.DefaultContainer, AzureProviders.Split("UseDevelopmentStorage=true").Container);
        Assert.Contains("too long", Assert.Throws<ArgumentException>(() => AzureProviders.GrainStateContainer(new string('c', 60))).Message);
        Assert.Contains("not a folder", Assert.Throws<ArgumentException>(() => AzureProviders.Split("/data/spgd")).Message);
    }
}
