using Microsoft.Extensions.Configuration;
using Spgd.Grains.Devices;
using Spgd.Silo;

namespace Spgd.Cluster.Tests.Devices;

/// <summary>The batching options: silo environment variables, and what a batch size does to the device's capacity.</summary>
public sealed class BatchSettingsTests
{
    private static SpgdSiloSettings Read(Dictionary<string, string?> values) =>
        SpgdSiloSettings.FromConfiguration(new ConfigurationBuilder().AddInMemoryCollection(values).Build());

    [Fact]
    public void Batching_is_off_by_default_and_set_by_SPGD_MAX_BATCH_and_SPGD_BATCH_LINGER_MS()
    {
        var defaults = Read([]);
        Assert.Equal(1, defaults.MaxBatchSize);
        Assert.Equal(TimeSpan.Zero, defaults.BatchLinger);

        var set = Read(new() { ["SPGD_MAX_BATCH"] = "4", ["SPGD_BATCH_LINGER_MS"] = "25" });
        Assert.Equal(4, set.MaxBatchSize);
        Assert.Equal(TimeSpan.FromMilliseconds(25), set.BatchLinger);
        Assert.Contains("SPGD_MAX_BATCH", Assert.Throws<FormatException>(() => Read(new() { ["SPGD_MAX_BATCH"] = "four" })).Message);
    }

    [Fact]
    public void A_batching_slot_counts_as_max_batch_item_places()
    {
        var plain = new DeviceOptions { Device = "cpu", Slots = 2 };
        var batching = new DeviceOptions { Device = "cpu", Slots = 2, MaxBatchSize = 4 };
        Assert.Equal(2, plain.ItemSlots);
        Assert.Equal(4, plain.EffectiveQueueCapacity);
        Assert.Equal(8, batching.ItemSlots);
        Assert.Equal(16, batching.EffectiveQueueCapacity);
    }
}
